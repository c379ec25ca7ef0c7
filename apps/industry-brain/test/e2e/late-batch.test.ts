import type { BatchReading } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { chunk, pressStream, shuffle } from "../fixtures/stream.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 15, 30, 0);
const NOW = T0 + 3 * 3_600_000;
const SAMPLES = 600;

describeEachDb("several machines late in one batch", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW });
    const gw = t.gateway("caihong-print");
    let seq = 1;
    // press-01 in order: the reference.
    for (const b of chunk(pressStream("press-01", T0, SAMPLES, 3), 250)) {
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    }
    // press-02 and press-03: each shuffled differently, and every batch carries one chunk of each, so
    // both machines take the late path in the same batch, each from its own minute.
    const c = shuffle(chunk(pressStream("press-02", T0, SAMPLES, 3), 97), 5);
    const d = shuffle(chunk(pressStream("press-03", T0, SAMPLES, 3), 97), 23);
    for (let i = 0; i < c.length; i++) {
      const readings = [...(c[i] ?? []), ...(d[i] ?? [])];
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const minutes = async (key: string) =>
    (
      await db.handle.query<{
        b: unknown;
        running_s: number;
        down_s: number;
        offline_s: number;
        produced: number;
      }>(
        sql`select extract(epoch from r.bucket) * 1000 as b, running_s, down_s, offline_s, produced
          from machine_minute_rollups r join machines m on m.id = r.machine_id where m.key = ${key} order by r.bucket`,
      )
    ).filter(
      (r) => Math.abs(r.running_s) + Math.abs(r.down_s) + Math.abs(r.offline_s) + Math.abs(r.produced) > 1e-6,
    );

  it("each machine ends with the in-order machine's minute rollups", async () => {
    const a = await minutes("press-01");
    expect(a.length).toBeGreaterThan(10);
    for (const key of ["press-02", "press-03"]) {
      const b = await minutes(key);
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        expect(Number(b[i]?.b)).toBe(Number(a[i]?.b));
        for (const k of ["running_s", "down_s", "offline_s", "produced"] as const) {
          expect(Number(b[i]?.[k])).toBeCloseTo(Number(a[i]?.[k]), 5);
        }
      }
    }
  });
});

/**
 * Report-on-change data, as OPC UA subscriptions deliver it: state every 30 s, but the job and the
 * counters only when they change, often long before the minute a late batch touches. The carry at
 * that minute must still find them (beyond the narrow lookback).
 */
function sparseStream(machine: string, t0: number): BatchReading[] {
  const M = 60_000;
  const out: BatchReading[] = [];
  const r = (ts: number, point: string, signal: BatchReading["signal"], value: BatchReading["value"]) =>
    out.push({ machine, point, signal, ts, value, quality: "good" });
  r(t0, "Job", "job", "J-7");
  r(t0, "Total", "totalCount", 0);
  r(t0, "Waste", "rejectCount", 0);
  for (let ts = t0; ts < t0 + 120 * M; ts += 30_000) {
    const minute = (ts - t0) / M;
    r(ts, "State", "state", minute >= 70 && minute < 75 ? "down" : "running");
  }
  r(t0 + 40 * M, "Total", "totalCount", 50);
  r(t0 + 60 * M, "Job", "job", "J-8");
  r(t0 + 90 * M, "Total", "totalCount", 80);
  r(t0 + 100 * M, "Waste", "rejectCount", 5);
  return out.sort((a, b) => a.ts - b.ts);
}

describeEachDb("a late batch with report-on-change job and counters", (db) => {
  let t: TestBrain;
  const held = (r: BatchReading) => r.ts >= T0 + 30 * 60_000 && r.ts < T0 + 50 * 60_000;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW });
    const gw = t.gateway("caihong-print");
    let seq = 1;
    const send = async (readings: BatchReading[]) => {
      for (const b of chunk(readings, 200))
        await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    };
    await send(sparseStream("press-01", T0));
    // press-02: minutes 30-50 (with the counter step at 40) arrive after everything else.
    const stream = sparseStream("press-02", T0);
    await send(stream.filter((r) => !held(r)));
    await send(stream.filter(held));
  });
  afterAll(async () => {
    await t?.close();
  });

  it("ends with the in-order machine's rollups and job ledger", async () => {
    const rollups = (key: string) =>
      db.handle.query<{ b: unknown; running_s: number; down_s: number; produced: number; scrap: number }>(
        sql`select extract(epoch from r.bucket) * 1000 as b, running_s, down_s, produced, scrap
            from machine_minute_rollups r join machines m on m.id = r.machine_id
            where m.key = ${key} and (abs(running_s) + abs(down_s) + abs(produced) + abs(scrap)) > 1e-6
            order by r.bucket`,
      );
    const jobs = (key: string) =>
      db.handle.query<{ job_id: string; produced: number; waste: number; run_s: number }>(
        sql`select j.job_id, j.produced, j.waste, j.run_s from jobs j join machines m on m.id = j.machine_id
            where m.key = ${key} order by j.job_id`,
      );
    const [a, b] = [await rollups("press-01"), await rollups("press-02")];
    // Deltas are spread over their sample interval, so minute rows hold fractions: equal to 1e-6.
    expect(a.reduce((s, r) => s + Number(r.produced), 0)).toBeCloseTo(80, 6);
    expect(b.map((r) => Number(r.b))).toEqual(a.map((r) => Number(r.b)));
    for (let i = 0; i < a.length; i++) {
      expect(Number(b[i]?.produced)).toBeCloseTo(Number(a[i]?.produced), 6);
      expect(Number(b[i]?.scrap)).toBeCloseTo(Number(a[i]?.scrap), 6);
      expect(Number(b[i]?.running_s)).toBeCloseTo(Number(a[i]?.running_s), 6);
      expect(Number(b[i]?.down_s)).toBeCloseTo(Number(a[i]?.down_s), 6);
    }
    const [ja, jb] = [await jobs("press-01"), await jobs("press-02")];
    expect(ja.map((j) => [j.job_id, Number(j.produced)])).toEqual([
      ["J-7", 50],
      ["J-8", 30],
    ]);
    expect(jb.map((j) => [j.job_id, Number(j.produced), Number(j.waste)])).toEqual(
      ja.map((j) => [j.job_id, Number(j.produced), Number(j.waste)]),
    );
    for (let i = 0; i < ja.length; i++) expect(Number(jb[i]?.run_s)).toBeCloseTo(Number(ja[i]?.run_s), 6);
  });
});
