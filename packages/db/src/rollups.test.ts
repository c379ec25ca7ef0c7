import { sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { createDb } from "./client.ts";
import { mergeMinuteRows, rebuildHourlyDaily, upsertMinuteRollups } from "./rollups.ts";
import { describeEachDb, seedTree } from "./testing.ts";

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 15, 58); // 23:58 in Asia/Shanghai

it("mergeMinuteRows sums per (machine, minute) and keeps every contribution (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          m: fc.integer({ min: 1, max: 3 }),
          dt: fc.nat(5 * MIN),
          s: fc.integer({ min: 0, max: 60 }),
        }),
      ),
      (items) => {
        const merged = mergeMinuteRows(
          items.map((i) => ({ machineId: i.m, bucket: T0 + i.dt, runningS: i.s, microstops: 1 })),
        );
        const keys = merged.map((r) => `${r.machineId}:${r.bucketMs}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect(merged.every((r) => r.bucketMs % MIN === 0)).toBe(true);
        const total = merged.reduce((a, r) => a + (r.v[0] ?? 0), 0);
        expect(total).toBe(items.reduce((a, i) => a + i.s, 0));
        expect(merged.reduce((a, r) => a + (r.v[10] ?? 0), 0)).toBe(items.length);
      },
    ),
  );
});

describeEachDb("rollups", (ctx) => {
  let m: number;
  beforeAll(async () => {
    m = (await seedTree(ctx.db, { timeZone: "Asia/Shanghai" })).machineIds[0] as number;
  });
  const minutes = () =>
    ctx.handle.query<{ ms: number; running_s: number; produced: number; microstops: number }>(
      sql`select (extract(epoch from bucket) * 1000)::float8 as ms, running_s, produced, microstops
          from machine_minute_rollups where machine_id = ${m} order by bucket`,
    );

  it("adds to existing buckets, merges duplicates in one call, and floors to the minute", async () => {
    await upsertMinuteRollups(ctx.db, [
      { machineId: m, bucket: T0, runningS: 30, produced: 10 },
      { machineId: m, bucket: T0 + 20_000, runningS: 20, produced: 5, microstops: 1, microstopS: 4 },
      { machineId: m, bucket: new Date(T0 + MIN), runningS: 60, produced: 20 },
    ]);
    await upsertMinuteRollups(ctx.db, [{ machineId: m, bucket: T0 + 59_999, runningS: 10, produced: 1 }]);
    const rows = await minutes();
    expect(rows.map((r) => [Number(r.ms), r.running_s, r.produced, r.microstops])).toEqual([
      [T0, 60, 16, 1],
      [T0 + MIN, 60, 20, 0],
    ]);
  });

  it("puts a late reading's contribution in its own (old) bucket", async () => {
    await upsertMinuteRollups(ctx.db, [{ machineId: m, bucket: T0 - 30 * MIN + 5_000, produced: 3 }]);
    const rows = await minutes();
    expect(rows[0]).toMatchObject({ produced: 3, running_s: 0 });
    expect(Number(rows[0]?.ms)).toBe(T0 - 30 * MIN);
    expect(rows).toHaveLength(3);
  });

  it("sums correctly when writers on separate connections add to the same buckets at once", async () => {
    const m2 = (await seedTree(ctx.db, { prefix: "conc", machines: 1 })).machineIds[0] as number;
    const base = Date.UTC(2026, 0, 1);
    const work = (w: number) =>
      Array.from({ length: 50 }, (_, i) => ({
        machineId: m2,
        bucket: base + ((i * 7 + w) % 10) * MIN,
        produced: 1,
      }));
    const conns =
      ctx.target === "postgres"
        ? await Promise.all(
            [1, 2, 3].map(() => createDb({ url: ctx.handle.url as string, max: 1, migrate: false })),
          )
        : [];
    try {
      const dbs = conns.length > 0 ? conns.map((c) => c.db) : [ctx.db, ctx.db, ctx.db];
      await Promise.all(
        dbs.flatMap((db, w) => [0, 1, 2, 3].map((k) => upsertMinuteRollups(db, work(w + k)))),
      );
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
    const [r] = await ctx.handle.query<{ total: number; buckets: number }>(
      sql`select sum(produced)::float8 as total, count(*)::int as buckets from machine_minute_rollups where machine_id = ${m2}`,
    );
    expect(r).toEqual({ total: 3 * 4 * 50, buckets: 10 });
  });

  it("rebuilds hourly and daily buckets in the enterprise time zone, idempotently", async () => {
    await upsertMinuteRollups(ctx.db, [{ machineId: m, bucket: T0 + 2 * MIN, runningS: 60, produced: 7 }]); // 00:00 local next day
    for (let i = 0; i < 2; i++) await rebuildHourlyDaily(ctx.db, [m], T0 - DAYISH, T0 + DAYISH);
    const daily = await ctx.handle.query<{ day: string; produced: number; running_s: number }>(
      sql`select to_char(bucket at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') as day, produced, running_s
          from machine_daily_rollups where machine_id = ${m} order by bucket`,
    );
    expect(daily).toEqual([
      { day: "2026-11-23 00:00", produced: 39, running_s: 120 },
      { day: "2026-11-24 00:00", produced: 7, running_s: 60 },
    ]);
    const hourly = await ctx.handle.query<{ h: string; produced: number }>(
      sql`select to_char(bucket at time zone 'Asia/Shanghai', 'HH24') as h, produced
          from machine_hourly_rollups where machine_id = ${m} order by bucket`,
    );
    expect(hourly).toEqual([
      { h: "23", produced: 39 },
      { h: "00", produced: 7 },
    ]);
    // a late minute in an already built hour: rebuild only that hour's range
    await upsertMinuteRollups(ctx.db, [{ machineId: m, bucket: T0 - 50 * MIN, produced: 100 }]);
    await rebuildHourlyDaily(ctx.db, [m], T0 - 50 * MIN, T0 - 49 * MIN);
    const [d] = await ctx.handle.query<{ produced: number }>(
      sql`select produced from machine_daily_rollups where machine_id = ${m} order by bucket limit 1`,
    );
    expect(d?.produced).toBe(139);
  });

  it("rebuilds the enterprise's daily and monthly rollups from its machines' days, deleting stale ones", async () => {
    const tree = await seedTree(ctx.db, { prefix: "ent", machines: 2, timeZone: "Europe/Berlin" });
    const [x, y] = tree.machineIds as [number, number];
    const e = tree.enterpriseId;
    // 31 Mar 23:30 and 1 Apr 00:30 in Berlin (summer time, UTC+2): two days in two months.
    const mar31 = Date.UTC(2026, 2, 31, 21, 30);
    const apr1 = Date.UTC(2026, 2, 31, 22, 30);
    await upsertMinuteRollups(ctx.db, [
      { machineId: x, bucket: mar31, produced: 5, microstops: 1 },
      { machineId: y, bucket: mar31, produced: 6 },
      { machineId: y, bucket: apr1, produced: 7, failures: 2 },
    ]);
    // A stale row the machines no longer explain (e.g. a crashed writer's half): the rebuild drops it.
    await ctx.handle.query(
      sql`insert into enterprise_daily_rollups (enterprise_id, bucket, produced) values (${e}, '2026-03-01T23:00:00Z', 99)`,
    );
    for (let i = 0; i < 2; i++)
      await rebuildHourlyDaily(ctx.db, [x, y], Date.UTC(2026, 2, 1), Date.UTC(2026, 3, 2));
    const of = (table: string) =>
      ctx.handle.query<{ b: string; produced: number; microstops: number; failures: number }>(
        sql`select to_char(bucket at time zone 'Europe/Berlin', 'YYYY-MM-DD HH24:MI') as b, produced, microstops, failures
            from ${sql.raw(table)} where enterprise_id = ${e} order by bucket`,
      );
    expect(await of("enterprise_daily_rollups")).toEqual([
      { b: "2026-03-31 00:00", produced: 11, microstops: 1, failures: 0 },
      { b: "2026-04-01 00:00", produced: 7, microstops: 0, failures: 2 },
    ]);
    expect(await of("enterprise_monthly_rollups")).toEqual([
      { b: "2026-03-01 00:00", produced: 11, microstops: 1, failures: 0 },
      { b: "2026-04-01 00:00", produced: 7, microstops: 0, failures: 2 },
    ]);
    // Another enterprise's rows are not touched.
    const [other] = await ctx.handle.query<{ n: number }>(
      sql`select count(*)::int as n from enterprise_daily_rollups where enterprise_id <> ${e}`,
    );
    expect(other?.n).toBeGreaterThan(0);
  });
});

const DAYISH = 3 * 3600_000;
