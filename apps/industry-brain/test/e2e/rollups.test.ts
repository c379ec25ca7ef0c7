import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { counterRoles, emptyCarry, replay } from "../../src/ingest/replay.ts";
import { chunk, pressStream, shuffle } from "../fixtures/stream.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 15, 30, 0); // crosses local midnight in Asia/Shanghai (16:00 UTC)
const NOW = T0 + 3 * 3_600_000;
const SAMPLES = 1_200; // 100 minutes at 5 s (plus a 10-minute gap)

describeEachDb("rollups from ingest", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW });
    const gw = t.gateway("caihong-print");
    let seq = 1;
    // Machine A: in order, batches of 250.
    for (const b of chunk(pressStream("press-01", T0, SAMPLES, 3), 250)) {
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    }
    // Machine B: the same stream, batches of 97 readings sent in a random order (late and out of order).
    for (const b of shuffle(chunk(pressStream("press-02", T0, SAMPLES, 3), 97), 11)) {
      await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: seq++, readings: b });
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const minutes = async (key: string) =>
    db.handle.query<{
      b: unknown;
      running_s: number;
      down_s: number;
      offline_s: number;
      produced: number;
      scrap: number;
      energy_kwh: number;
    }>(
      sql`select extract(epoch from r.bucket) * 1000 as b, running_s, down_s, offline_s, produced, scrap, energy_kwh
          from machine_minute_rollups r join machines m on m.id = r.machine_id where m.key = ${key} order by r.bucket`,
    );
  const nonZero = <T extends { running_s: number; down_s: number; offline_s: number; produced: number }>(
    rows: T[],
  ) =>
    rows.filter(
      (r) => Math.abs(r.running_s) + Math.abs(r.down_s) + Math.abs(r.offline_s) + Math.abs(r.produced) > 1e-6,
    );

  it("in-order minute rollups equal a replay of the whole stream", async () => {
    const stream = pressStream("press-01", T0, SAMPLES, 3).map((r) => ({
      ts: r.ts,
      pointKey: r.point,
      signal: r.signal ?? null,
      value: r.value,
    }));
    const oracle = replay(emptyCarry(), stream, {
      staleMs: 5 * 60_000,
      microstopMs: 60_000,
      bucketMs: 60_000,
      roles: counterRoles(emptyCarry(), stream),
    });
    const rows = nonZero(await minutes("press-01"));
    const expected = oracle.buckets.filter((b) => b.running_s + b.down_s + b.offline_s + b.produced > 0);
    expect(rows.length).toBe(expected.length);
    for (let i = 0; i < rows.length; i++) {
      expect(Number(rows[i]?.b)).toBe(expected[i]?.start);
      expect(Number(rows[i]?.running_s)).toBeCloseTo(expected[i]?.running_s ?? -1, 6);
      expect(Number(rows[i]?.produced)).toBeCloseTo(expected[i]?.produced ?? -1, 6);
    }
  });

  it("late and out-of-order batches end with exactly the same minute rollups and jobs", async () => {
    const a = nonZero(await minutes("press-01"));
    const b = nonZero(await minutes("press-02"));
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) {
      expect(Number(b[i]?.b)).toBe(Number(a[i]?.b));
      for (const k of ["running_s", "down_s", "offline_s", "produced", "scrap", "energy_kwh"] as const) {
        expect(Number(b[i]?.[k])).toBeCloseTo(Number(a[i]?.[k]), 5);
      }
    }
    const jobs = async (key: string) =>
      db.handle.query<{ job_id: string; produced: number; waste: number; run_s: number; setup_s: number }>(
        sql`select job_id, produced, waste, run_s, setup_s from jobs j join machines m on m.id = j.machine_id where m.key = ${key} order by job_id`,
      );
    const ja = await jobs("press-01");
    const jb = await jobs("press-02");
    expect(ja.length).toBeGreaterThan(1);
    expect(jb.map((j) => j.job_id)).toEqual(ja.map((j) => j.job_id));
    for (let i = 0; i < ja.length; i++) {
      expect(Number(jb[i]?.produced)).toBeCloseTo(Number(ja[i]?.produced), 5);
      expect(Number(jb[i]?.run_s)).toBeCloseTo(Number(ja[i]?.run_s), 5);
    }
  });

  it("hourly and daily rollups are the sums of the minutes (local days in Asia/Shanghai)", async () => {
    for (const key of ["press-01", "press-02"]) {
      const [m] = await db.handle.query<{ s: number }>(
        sql`select sum(running_s + produced) as s from machine_minute_rollups r join machines m on m.id = r.machine_id where m.key = ${key}`,
      );
      const [h] = await db.handle.query<{ s: number }>(
        sql`select sum(running_s + produced) as s from machine_hourly_rollups r join machines m on m.id = r.machine_id where m.key = ${key}`,
      );
      const days = await db.handle.query<{ b: unknown; s: number }>(
        sql`select extract(epoch from r.bucket) * 1000 as b, running_s + produced as s from machine_daily_rollups r join machines m on m.id = r.machine_id where m.key = ${key} order by r.bucket`,
      );
      expect(Number(h?.s)).toBeCloseTo(Number(m?.s), 4);
      expect(days.reduce((s, d) => s + Number(d.s), 0)).toBeCloseTo(Number(m?.s), 4);
      expect(days.map((d) => Number(d.b))).toEqual([Date.UTC(2026, 10, 22, 16), Date.UTC(2026, 10, 23, 16)]);
    }
  });

  it("answers kpi.oee and kpi.elements for the enterprise from the rollups", async () => {
    const c = await t.signedIn("enterprise-user");
    const range = { from: T0, to: T0 + 2 * 3_600_000 };
    // No calendar set: the default one (day shift) plans nothing at night, so running is outside PBT.
    const night = await c.kpi.elements.query({ scope: { kind: "machine", id: "press-01" }, range });
    expect(night.calendar).toBe("default");
    expect(night.totals.pbtS).toBe(0);
    expect(night.totals.aptS).toBe(0);
    expect(night.totals.unplannedAptS).toBeGreaterThan(0);
    // Round the clock: every minute is planned busy time.
    const park = await t.signedIn("park-manager");
    const days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
    await park.enterprises.setCalendar.mutate({
      enterprise: "caihong-print",
      calendar: {
        timeZone: "Asia/Shanghai",
        shifts: [{ name: "all", days: [...days], start: "00:00", end: "00:00" }],
      },
    });
    const oee = await c.kpi.oee.query({ scope: { kind: "machine", id: "press-01" }, range, bucket: "hour" });
    expect(oee.elements.unplannedAptS).toBeCloseTo(0, 6);
    expect(oee.elements.aptS).toBeCloseTo(night.totals.unplannedAptS, 6);
    expect(oee.series.length).toBe(3);
    expect(oee.totals.availability).toBeGreaterThan(0);
    expect(oee.totals.oee).not.toBeNull();
    const el = await c.kpi.elements.query({
      scope: { kind: "enterprise", id: "caihong-print" },
      range,
      bucket: "minute",
    });
    expect(el.series.length).toBe(120);
    const [m] = await db.handle.query<{ s: number }>(
      sql`select sum(running_s) as s from machine_minute_rollups r join machines m on m.id = r.machine_id
          join enterprises e on e.id = m.enterprise_id where e.key = 'caihong-print'
          and r.bucket >= ${new Date(range.from).toISOString()}::timestamptz and r.bucket < ${new Date(range.to).toISOString()}::timestamptz`,
    );
    expect(el.totals.aptS).toBeCloseTo(Number(m?.s), 4);
    expect(el.series.reduce((s, p) => s + p.elements.aptS, 0)).toBeCloseTo(Number(m?.s), 4);
  });

  it("machines.live shows the last state and the age of the last reading", async () => {
    const c = await t.signedIn("enterprise-user");
    const live = await c.machines.live.query({ enterprise: "caihong-print" });
    const p1 = live.items.find((m) => m.key === "press-01");
    expect(p1?.state).not.toBeNull();
    expect(p1?.ageMs).toBeGreaterThan(0);
    expect(live.items.find((m) => m.key === "folder-01")?.freshness).toBe("offline");
  });

  it("lists jobs with produced, good and waste counts, run and setup time and energy", async () => {
    const c = await t.signedIn("enterprise-user");
    const page = await c.jobs.list.query({ machine: "press-01", limit: 2 });
    expect(page.items.length).toBe(2);
    expect(page.nextCursor).not.toBeNull();
    const next = await c.jobs.list.query({ machine: "press-01", limit: 2, cursor: page.nextCursor });
    expect(next.items[0]?.jobId).not.toBe(page.items[1]?.jobId);
    const job = await c.jobs.get.query({ jobId: "J-1" });
    expect(job.machines.map((m) => m.machineKey).sort()).toEqual(["press-01", "press-02"]);
    expect(job.totals.produced).toBeGreaterThan(0);
    expect(job.totals.setupS).toBeGreaterThan(0);
  });
});
