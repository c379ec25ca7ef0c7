import type { BatchReading } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { backfillDemo } from "../../src/seed/backfill.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";

/**
 * Issue 17: after the demo's 30-day backfill the live simulators' counters start again from 0.
 * The history and the device write their counters to different points (`good`, `kwh` vs the
 * profile's `production_counter`, `energy_kwh`), and the brain keeps one counter per point, so the
 * live zero is the first sample of a new counter: no reset, no anomaly, and no production lost
 * or invented across the switch.
 */
const NOW = Date.UTC(2026, 10, 4, 6, 0); // a Wednesday, 14:00 in Taizhou: inside the day shift
const S = 1_000;

function live(from: number, seconds: number): BatchReading[] {
  const out: BatchReading[] = [];
  for (let i = 0; i <= seconds; i += 10) {
    const ts = from + i * S;
    out.push({
      machine: "press-01",
      point: "device_status",
      signal: "state",
      ts,
      value: "running",
      quality: "good",
    });
    out.push({
      machine: "press-01",
      point: "production_counter",
      signal: "goodCount",
      ts,
      value: i,
      quality: "good",
    });
    out.push({
      machine: "press-01",
      point: "energy_kwh",
      signal: "energyKwh",
      ts,
      value: i / 100,
      quality: "good",
    });
  }
  return out;
}

describeEachDb("live counters after the demo backfill", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW + 10 * 60 * S });
    await backfillDemo(db.handle, { machineKeys: ["press-01"], days: 1, now: NOW });
    await t.gateway("caihong-print").ingest.push.mutate({
      gatewayId: "gw-caihong-print",
      seq: 1,
      readings: live(NOW + 60 * S, 300),
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("counts the live production from 0 exactly, with no reset or anomaly at the switch", async () => {
    const c = await t.signedIn("enterprise-user");
    const scope = { kind: "machine" as const, id: "press-01" };
    const range = { from: NOW + 60 * S, to: NOW + 7 * 60 * S };
    const el = await c.kpi.elements.query({ scope, range, bucket: "minute" });
    expect(el.totals.gq).toBeCloseTo(300, 6);
    const anomalies = await c.kpi.counterAnomalies.query({
      scope,
      range: { from: NOW - 86_400_000, to: NOW + 10 * 60 * S },
    });
    expect(anomalies.items).toEqual([]);
  });
});
