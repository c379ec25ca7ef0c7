import type { BatchReading, MachineState } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chunk, shuffle } from "../fixtures/stream.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 20, 2, 0, 0); // a whole hour, so the hourly rollups answer part of the range
const NOW = T0 + 3 * 3_600_000;

/** running 10 min → down 3 min → running 17 min → down 5 min → running 15 min, one state sample per 10 s. */
const PLAN: ReadonlyArray<readonly [MachineState, number]> = [
  ["running", 10],
  ["down", 3],
  ["running", 17],
  ["down", 5],
  ["running", 15],
];

function stream(machine: string): BatchReading[] {
  const out: BatchReading[] = [];
  let ts = T0;
  for (const [state, minutes] of PLAN) {
    const end = ts + minutes * MIN;
    for (; ts < end; ts += 10_000) {
      out.push({ machine, point: "DeviceStatus", signal: "state", ts, value: state, quality: "good" });
    }
  }
  // Closes the last running interval at T0 + 50 min.
  out.push({ machine, point: "DeviceStatus", signal: "state", ts, value: "running", quality: "good" });
  return out;
}

describeEachDb("MTBF and MTTR from ingest", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW });
    const gw = t.gateway("caihong-print");
    let seq = 1;
    // press-01 in order, in batches of 7 readings, so each down interval is cut across batches.
    for (const b of chunk(stream("press-01"), 7)) {
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    }
    // press-02: the same stream in batches sent in a random order (late and out-of-order data).
    for (const b of shuffle(chunk(stream("press-02"), 23), 5)) {
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const range = { from: T0, to: T0 + 2 * 3_600_000 };
  const RUNNING_S = 42 * 60;
  const DOWN_S = 8 * 60;

  for (const machine of ["press-01", "press-02"]) {
    it(`${machine}: two breakdowns give MTBF = running time / 2 and MTTR = down time / 2`, async () => {
      const c = await t.signedIn("enterprise-user");
      const el = await c.kpi.elements.query({
        scope: { kind: "machine", id: machine },
        range,
        bucket: "hour",
      });
      expect(el.totals.failures).toBe(2);
      expect(el.totals.aptS).toBeCloseTo(RUNNING_S, 6);
      expect(el.totals.adetS).toBeCloseTo(DOWN_S, 6);
      expect(el.totals.repairS).toBeCloseTo(DOWN_S, 6);
      // Failures land in the hour where each down interval started (both in the first hour).
      expect(el.series.map((p) => p.elements.failures)).toEqual([2, 0]);

      const oee = await c.kpi.oee.query({ scope: { kind: "machine", id: machine }, range, bucket: "minute" });
      expect(oee.elements.failures).toBe(2);
      expect(oee.totals.mtbfS).toBeCloseTo(RUNNING_S / 2, 6); // 1260 s
      expect(oee.totals.mttrS).toBeCloseTo(DOWN_S / 2, 6); // 240 s
    });
  }

  it("a range holding only the second breakdown counts one failure", async () => {
    const c = await t.signedIn("enterprise-user");
    const oee = await c.kpi.oee.query({
      scope: { kind: "machine", id: "press-01" },
      range: { from: T0 + 20 * MIN, to: T0 + 50 * MIN },
    });
    expect(oee.elements.failures).toBe(1);
    expect(oee.totals.mttrS).toBeCloseTo(5 * 60, 6);
    expect(oee.totals.mtbfS).toBeCloseTo(25 * 60, 6); // 10 + 15 running minutes inside the range
  });

  it("a range with no breakdown has MTBF and MTTR null, never 0", async () => {
    const c = await t.signedIn("enterprise-user");
    const oee = await c.kpi.oee.query({
      scope: { kind: "machine", id: "press-01" },
      range: { from: T0, to: T0 + 10 * MIN },
    });
    expect(oee.elements.failures).toBe(0);
    expect(oee.totals.mtbfS).toBeNull();
    expect(oee.totals.mttrS).toBeNull();
  });

  it("the enterprise scope sums failures over its machines", async () => {
    const c = await t.signedIn("enterprise-user");
    const el = await c.kpi.elements.query({ scope: { kind: "enterprise", id: "caihong-print" }, range });
    expect(el.totals.failures).toBe(4);
  });
});
