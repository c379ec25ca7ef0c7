import type { BatchReading } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 6, 0, 0);

/** A press that runs job J-1, has its job cleared (empty job id), then keeps counting. */
function stream(machine: string): BatchReading[] {
  const out: BatchReading[] = [];
  const r = (ts: number, point: string, signal: BatchReading["signal"], value: BatchReading["value"]) =>
    out.push({ machine, point, signal, ts, value, quality: "good" });
  r(T0, "State", "state", "running");
  r(T0, "Job", "job", "J-1");
  for (let i = 0; i <= 20; i++) r(T0 + i * 10_000, "Total", "totalCount", i * 10);
  r(T0 + 100_000, "Job", "job", "");
  return out.sort((a, b) => a.ts - b.ts);
}

describeEachDb("a cleared job stays cleared across batches", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => T0 + 3_600_000 });
    const gw = t.gateway("caihong-print");
    // press-01: everything in one batch. press-02: the job is set in one batch, cleared in the
    // next, and the counting goes on in a third.
    await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: 1, readings: stream("press-01") });
    const s = stream("press-02");
    const a = s.findIndex((x) => x.ts > T0 + 50_000);
    const b = s.findIndex((x) => x.ts > T0 + 100_000);
    let seq = 2;
    for (const part of [s.slice(0, a), s.slice(a, b), s.slice(b)])
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: part });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("counts after the clear belong to no job, whether or not a batch ends there", async () => {
    const produced = async (key: string) =>
      Number(
        (
          await db.handle.query<{ n: number }>(
            sql`select coalesce(sum(j.produced), 0)::float8 as n from jobs j join machines m on m.id = j.machine_id
                where m.key = ${key} and j.job_id = 'J-1'`,
          )
        )[0]?.n,
      );
    // Deltas at 10 s … 90 s: at 100 s the job change applies first (canonical order), then the count.
    expect(await produced("press-01")).toBe(90);
    expect(await produced("press-02")).toBe(90);
  });
});
