import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyCarry, plausibleUnits, type ReplayReading, replay } from "./replay.ts";

const OPTS = { staleMs: 5 * 60_000, microstopMs: 60_000, bucketMs: 60_000, roles: ["totalCount" as const] };
const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);
const MIN = 60_000;

const sample = (min: number, value: number, counterMax?: number): ReplayReading => ({
  ts: T0 + min * MIN,
  pointKey: "c",
  signal: "totalCount",
  value,
  ...(counterMax === undefined ? {} : { counterMax }),
});
const produced = (r: ReturnType<typeof replay>) => r.buckets.reduce((s, b) => s + b.produced, 0);

describe("counter width in the brain's replay", () => {
  it("a UInt16 counter wraps at 65 535; without a width the drop reads as a reset", () => {
    const withWidth = replay(emptyCarry(), [sample(0, 65_450, 65_535), sample(1, 64, 65_535)], OPTS);
    expect(produced(withWidth)).toBe(150);
    expect(withWidth.carry.counters.c?.max).toBe(65_535);
    const bare = replay(emptyCarry(), [sample(0, 65_450), sample(1, 64)], OPTS);
    expect(produced(bare)).toBe(64);
  });

  it("a width declared once applies to later readings of the point, across batches", () => {
    const a = replay(emptyCarry(), [sample(0, 999_000, 999_999)], OPTS);
    const b = replay(a.carry, [sample(1, 100)], OPTS);
    expect(produced(b)).toBe(1_100);
  });

  it("a delta is spread over the minutes since the previous sample, summing to the delta", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 10_000 }), (gapS, units) => {
        const r = replay(
          emptyCarry(),
          [
            { ts: T0 + 17_000, pointKey: "c", signal: "totalCount", value: 0 },
            { ts: T0 + 17_000 + gapS * 1000, pointKey: "c", signal: "totalCount", value: units },
          ],
          { ...OPTS, staleMs: 3_600_000 },
        );
        expect(produced(r)).toBeCloseTo(units, 6);
        for (const bk of r.buckets) {
          const from = Math.max(bk.start, T0 + 17_000);
          const to = Math.min(bk.start + MIN, T0 + 17_000 + gapS * 1000);
          expect(bk.produced).toBeCloseTo((units * (to - from)) / (gapS * 1000), 6);
        }
      }),
    );
  });

  it("a wrap implying more than the machine's rate is an anomaly, not output; increases always count", () => {
    const carry = { ...emptyCarry(), idealCycleS: 0.36 };
    const rs = [sample(0, 1_000, 65_535), sample(1, 60_000), sample(2, 60_100), sample(3, 5), sample(4, 105)];
    const r = replay(carry, rs, OPTS);
    // 59 000 + 100 counted (an increase is what the device said); the wrap 60 100 → 5 (5 441 units in a
    // minute, at most 3 × 60 / 0.36 + 10 = 510) is not; 100 after it counts again.
    expect(produced(r)).toBe(59_200);
    expect(r.anomalies).toEqual([
      {
        pointKey: "c",
        role: "totalCount",
        ts: T0 + 3 * MIN,
        prevTs: T0 + 2 * MIN,
        prevValue: 60_100,
        value: 5,
        delta: 5_441,
        kind: "wrap",
        maxUnits: (60 / 0.36) * 3 + 10,
      },
    ]);
  });

  it("the plausible limit grows with time and has none without a PRU or for kWh", () => {
    expect(plausibleUnits("totalCount", 0, 60_000, 0.5)).toBe(370);
    expect(plausibleUnits("totalCount", 0, 60_000, null)).toBeNull();
    expect(plausibleUnits("energyKwh", 0, 60_000, 0.5)).toBeNull();
    expect(plausibleUnits("totalCount", undefined, 60_000, 0.5)).toBeNull();
  });
});
