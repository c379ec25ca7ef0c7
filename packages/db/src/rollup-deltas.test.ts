import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { ROLLUP_COLUMNS, type RollupDelta, rollupDeltasSql } from "./rollup-deltas.ts";
import { describeEachDb, seedTree } from "./testing.ts";
import { runWrites } from "./writes.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
// 23:58 in Asia/Shanghai (UTC+8): the next minutes cross a local hour and a local day.
const T0 = Date.UTC(2026, 10, 23, 15, 58);
const DAY0 = Date.UTC(2026, 10, 22, 16); // local midnight of 2026-11-23
const DAY1 = DAY0 + 24 * HOUR;
const PRODUCED = ROLLUP_COLUMNS.indexOf("produced");
const MICROSTOPS = ROLLUP_COLUMNS.indexOf("microstops");

function delta(machineId: number, minuteMs: number, produced: number, microstops = 0): RollupDelta {
  const v = ROLLUP_COLUMNS.map(() => 0);
  v[PRODUCED] = produced;
  v[MICROSTOPS] = microstops;
  const hourMs = Math.floor(minuteMs / HOUR) * HOUR; // UTC+8: local hours start on UTC hours
  return { machineId, minuteMs, hourMs, dayMs: minuteMs >= DAY1 ? DAY1 : DAY0, v };
}

describeEachDb("rollupDeltasSql", (ctx) => {
  let a: number;
  let b: number;
  beforeAll(async () => {
    [a, b] = (await seedTree(ctx.db, { timeZone: "Asia/Shanghai", machines: 2 })).machineIds as [
      number,
      number,
    ];
  });
  const rows = (table: string, m: number) =>
    ctx.handle.query<{ ms: number; produced: number; microstops: number }>(
      sql`select (extract(epoch from bucket) * 1000)::float8 as ms, produced, microstops
          from ${sql.raw(table)} where machine_id = ${m} order by bucket`,
    );
  const write = async (deltas: RollupDelta[]) => {
    const w = rollupDeltasSql(deltas);
    if (w) await runWrites(ctx.db, w.statements, [w.source]);
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
  });

  it("writes nothing for no deltas", () => {
    expect(rollupDeltasSql([])).toBeNull();
  });
});
