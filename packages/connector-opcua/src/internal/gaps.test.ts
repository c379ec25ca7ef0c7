import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OpcuaConfig } from "../config.ts";
import { estimateMissed, GapTracker } from "./gaps.ts";

const config = OpcuaConfig.parse({
  endpointUrl: "opc.tcp://h:1",
  acquisition: { publishingIntervalMs: 1000, samplingIntervalMs: 500 },
  points: [
    { id: "fast", nodeId: "i=1", samplingIntervalMs: 100 },
    { id: "slow", nodeId: "i=2", samplingIntervalMs: 5000 },
    { id: "default", nodeId: "i=3" },
  ],
});

describe("data gaps", () => {
  it("estimates missed values per point from the interval it reports at", () => {
    // fast and default report once per publish (1 s), slow every 5 s
    expect(estimateMissed(config.points, config.acquisition, 10_000)).toBe(10 + 2 + 10);
    expect(
      estimateMissed(config.points, { ...config.acquisition, mode: "poll", pollIntervalMs: 2000 }, 10_000),
    ).toBe(15);
  });

  it("turns one outage into one gap, however often the loss is seen", () => {
    const t = new GapTracker(config);
    expect(t.restored(5)).toBeUndefined();
    expect(t.lost(1000)).toBe(true);
    expect(t.lost(1500)).toBe(false);
    expect(t.offline).toBe(true);
    const gap = t.restored(4000);
    expect(gap).toEqual({ from: 1000, to: 4000, points: 3, estimatedMissed: 3 + 0 + 3 });
    expect(t.offline).toBe(false);
    expect(t.estimatedValues).toBe(6);
  });

  it("is monotonic in the gap length and keeps the last 20 gaps", () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.nat({ max: 10_000_000 }), (a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(estimateMissed(config.points, config.acquisition, lo)).toBeLessThanOrEqual(
          estimateMissed(config.points, config.acquisition, hi),
        );
      }),
    );
    const t = new GapTracker(config);
    for (let i = 0; i < 30; i++) {
      t.lost(i * 10);
      t.restored(i * 10 + 5);
    }
    expect(t.gaps).toHaveLength(20);
    expect(t.gaps[0]?.from).toBe(100);
  });
});
