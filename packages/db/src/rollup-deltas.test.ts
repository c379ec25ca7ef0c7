import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { ROLLUP_COLUMNS, type RollupDelta, rollupDeltasSql } from "./rollup-deltas.ts";
import { describeEachDb, seedTree } from "./testing.ts";
import { runWrites } from "./writes.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
// 23:58 on 30 November in Asia/Shanghai (UTC+8): the next minutes cross a local hour, day and month.
const T0 = Date.UTC(2026, 10, 30, 15, 58);
const DAY0 = Date.UTC(2026, 10, 29, 16); // local midnight of 2026-11-30
const DAY1 = DAY0 + 24 * HOUR; // 2026-12-01
const MONTH0 = Date.UTC(2026, 9, 31, 16); // 2026-11-01 local
const MONTH1 = DAY1;
const PRODUCED = ROLLUP_COLUMNS.indexOf("produced");
const MICROSTOPS = ROLLUP_COLUMNS.indexOf("microstops");

let enterpriseOf = new Map<number, number>();

function delta(machineId: number, minuteMs: number, produced: number, microstops = 0): RollupDelta {
  const v = ROLLUP_COLUMNS.map(() => 0);
  v[PRODUCED] = produced;
  v[MICROSTOPS] = microstops;
  const hourMs = Math.floor(minuteMs / HOUR) * HOUR; // UTC+8: local hours start on UTC hours
  return {
    machineId,
    enterpriseId: enterpriseOf.get(machineId) ?? 0,
    minuteMs,
    hourMs,
    dayMs: minuteMs >= DAY1 ? DAY1 : DAY0,
    monthMs: minuteMs >= MONTH1 ? MONTH1 : MONTH0,
    v,
  };
}

describeEachDb("rollupDeltasSql", (ctx) => {
  let a: number;
  let b: number;
  let c: number;
  let e1: number;
  let e2: number;
  beforeAll(async () => {
    const t1 = await seedTree(ctx.db, { timeZone: "Asia/Shanghai", machines: 2 });
    const t2 = await seedTree(ctx.db, { prefix: "other", timeZone: "Asia/Shanghai", machines: 1 });
    [a, b] = t1.machineIds as [number, number];
    c = t2.machineIds[0] as number;
    e1 = t1.enterpriseId;
    e2 = t2.enterpriseId;
    enterpriseOf = new Map([
      [a, e1],
      [b, e1],
      [c, e2],
    ]);
  });
  const enterpriseRows = (table: string, e: number) =>
    ctx.handle.query<{ ms: number; produced: number; microstops: number }>(
      sql`select (extract(epoch from bucket) * 1000)::float8 as ms, produced, microstops
          from ${sql.raw(table)} where enterprise_id = ${e} order by bucket`,
    );
  const rows = (table: string, m: number) =>
    ctx.handle.query<{ ms: number; produced: number; microstops: number }>(
      sql`select (extract(epoch from bucket) * 1000)::float8 as ms, produced, microstops
          from ${sql.raw(table)} where machine_id = ${m} order by bucket`,
    );
  const write = async (deltas: RollupDelta[]) => {
    const w = rollupDeltasSql(deltas);
    if (w) {
      await runWrites(ctx.db, w.statements, [w.source]);
      await runWrites(ctx.db, w.enterprise);
    }
  };

  it("adds each delta to its minute and the sums to its local hour and day, in one statement", async () => {
    await write([
      delta(a, T0, 5, 1),
      delta(a, T0 + MIN, 7),
      delta(a, T0 + 2 * MIN, 11), // 00:00 local: next hour and next day
      delta(a, T0, 2), // the same minute twice in one call is summed
      delta(b, T0, 100),
    ]);
    const minutes = await rows("machine_minute_rollups", a);
    expect(minutes.map((r) => [Number(r.ms), r.produced, r.microstops])).toEqual([
      [T0, 7, 1],
      [T0 + MIN, 7, 0],
      [T0 + 2 * MIN, 11, 0],
    ]);
    const hours = await rows("machine_hourly_rollups", a);
    expect(hours.map((r) => [Number(r.ms), r.produced, r.microstops])).toEqual([
      [T0 - 58 * MIN, 14, 1],
      [T0 + 2 * MIN, 11, 0],
    ]);
    const days = await rows("machine_daily_rollups", a);
    expect(days.map((r) => [Number(r.ms), r.produced])).toEqual([
      [DAY0, 14],
      [DAY1, 11],
    ]);
    expect((await rows("machine_daily_rollups", b)).map((r) => r.produced)).toEqual([100]);
    // The enterprise's day and month: the sums over its machines (a's 14 + b's 100 on the 30th).
    const eDays = await enterpriseRows("enterprise_daily_rollups", e1);
    expect(eDays.map((r) => [Number(r.ms), r.produced, r.microstops])).toEqual([
      [DAY0, 114, 1],
      [DAY1, 11, 0],
    ]);
    const eMonths = await enterpriseRows("enterprise_monthly_rollups", e1);
    expect(eMonths.map((r) => [Number(r.ms), r.produced])).toEqual([
      [MONTH0, 114],
      [MONTH1, 11],
    ]);
    expect(await enterpriseRows("enterprise_daily_rollups", e2)).toEqual([]);
  });

  it("keeps each enterprise's rows apart when one call holds machines of two enterprises", async () => {
    await write([delta(c, T0, 9), delta(c, T0 + 3 * MIN, 1)]);
    expect((await enterpriseRows("enterprise_daily_rollups", e2)).map((r) => r.produced)).toEqual([9, 1]);
    expect((await enterpriseRows("enterprise_monthly_rollups", e2)).map((r) => r.produced)).toEqual([9, 1]);
    expect((await enterpriseRows("enterprise_daily_rollups", e1)).map((r) => r.produced)).toEqual([114, 11]);
  });

  it("adds to existing rows, negative deltas included (late corrections)", async () => {
    await write([delta(a, T0, -3), delta(a, T0 + 2 * MIN, 4, 2)]);
    const minutes = await rows("machine_minute_rollups", a);
    expect(minutes.map((r) => r.produced)).toEqual([4, 7, 15]);
    const hours = await rows("machine_hourly_rollups", a);
    expect(hours.map((r) => [r.produced, r.microstops])).toEqual([
      [11, 1],
      [15, 2],
    ]);
    const days = await rows("machine_daily_rollups", a);
    expect(days.map((r) => r.produced)).toEqual([11, 15]);
    // A late correction reaches the enterprise's past day and month too.
    expect((await enterpriseRows("enterprise_daily_rollups", e1)).map((r) => r.produced)).toEqual([111, 15]);
    expect((await enterpriseRows("enterprise_monthly_rollups", e1)).map((r) => r.produced)).toEqual([
      111, 15,
    ]);
  });

  it("writes nothing for no deltas", () => {
    expect(rollupDeltasSql([])).toBeNull();
  });
});
