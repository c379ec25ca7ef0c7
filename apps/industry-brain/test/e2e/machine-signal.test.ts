import type { BatchReading } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const NOW = T0 + 2 * 86_400_000;

/** A day of one reading a minute: a `rate` point (speed), another numeric point and a text state. */
function day(machine: string): BatchReading[] {
  const out: BatchReading[] = [];
  for (let ts = T0; ts < T0 + 86_400_000; ts += 60_000) {
    const minute = (ts - T0) / 60_000;
    out.push({ machine, point: "speed", signal: "rate", ts, value: 9_000 + (minute % 60), quality: "good" });
    out.push({ machine, point: "a_temp", ts, value: 40 + (minute % 7), quality: "good" });
    out.push({ machine, point: "DeviceStatus", signal: "state", ts, value: "running", quality: "good" });
  }
  return out;
}

describeEachDb("machine page signal chart", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW });
    const gw = t.gateway("caihong-print");
    const readings = day("press-01");
    for (let i = 0, seq = 1; i < readings.length; i += 1_000, seq++)
      await gw.ingest.push.mutate({
        gatewayId: "gw-caihong-print",
        seq,
        readings: readings.slice(i, i + 1_000),
      });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("without a point, charts the machine's rate signal (the page asks before it knows the points)", async () => {
    const c = await t.signedIn("enterprise-user");
    const range = { from: T0, to: T0 + 86_400_000 };
    const chosen = await c.machinePage.signal.query({ machine: "press-01", range });
    const named = await c.machinePage.signal.query({ machine: "press-01", range, point: "speed" });
    expect(chosen.point).toBe("speed");
    expect(chosen).toEqual(named);
    // A day is downsampled to buckets with a min/max envelope, every reading inside one.
    expect(chosen.bucketMs).not.toBeNull();
    expect(chosen.points.length).toBeGreaterThan(100);
    expect(chosen.points.length).toBeLessThanOrEqual(800);
    for (const p of chosen.points) expect(p.min <= p.avg && p.avg <= p.max).toBe(true);
    expect(Math.min(...chosen.points.map((p) => p.min))).toBe(9_000);
    expect(Math.max(...chosen.points.map((p) => p.max))).toBe(9_059);
  });

  it("answers no point and no data for a machine that never sent a number", async () => {
    const c = await t.signedIn("enterprise-user");
    const r = await c.machinePage.signal.query({ machine: "press-02", range: { from: T0, to: NOW } });
    expect(r).toEqual({ point: null, bucketMs: null, points: [] });
  });
});
