import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { upsertMachineLive } from "./live.ts";
import { applyStateTransitions, closeOpenIntervals, planStateChanges, stateSpans } from "./state.ts";
import { describeEachDb, seedTree } from "./testing.ts";

const T0 = Date.UTC(2026, 10, 23, 8);
const S = 1000;

it("planStateChanges ignores repeats and late transitions and chains intervals", () => {
  const open = new Map([[1, { state: "idle", startMs: T0 }]]);
  const plan = planStateChanges(open, [
    { machineId: 1, state: "running", ts: T0 + 20 * S },
    { machineId: 1, state: "idle", ts: T0 + 10 * S }, // repeat of the open state: nothing
    { machineId: 1, state: "down", ts: T0 - S }, // before the open interval: late
    { machineId: 1, state: "running", ts: T0 + 25 * S },
    { machineId: 1, state: "setup", ts: T0 + 30 * S },
    { machineId: 2, state: "running", ts: T0 },
  ]);
  expect(plan.late).toBe(1);
  expect(plan.closes).toEqual([{ machineId: 1, endMs: T0 + 20 * S }]);
  expect(plan.inserts).toEqual([
    { machineId: 1, state: "running", startMs: T0 + 20 * S, endMs: T0 + 30 * S },
    { machineId: 1, state: "setup", startMs: T0 + 30 * S, endMs: null },
    { machineId: 2, state: "running", startMs: T0, endMs: null },
  ]);
});

describeEachDb("state intervals", (ctx) => {
  let m: number;
  beforeAll(async () => {
    m = (await seedTree(ctx.db)).machineIds[0] as number;
  });

  it("opens, closes and clips intervals; open ones end at the last known timestamp", async () => {
    expect(
      await applyStateTransitions(ctx.db, [
        { machineId: m, state: "setup", ts: T0 },
        { machineId: m, state: "running", ts: T0 + 60 * S },
      ]),
    ).toEqual({ opened: 2, closed: 1, late: 0 });
    // next batch: repeats, a change, and a late one
    expect(
      await applyStateTransitions(ctx.db, [
        { machineId: m, state: "running", ts: T0 + 90 * S },
        { machineId: m, state: "down", ts: T0 + 120 * S },
        { machineId: m, state: "idle", ts: T0 + 30 * S },
      ]),
    ).toEqual({ opened: 1, closed: 1, late: 1 });
    await upsertMachineLive(ctx.db, [{ machineId: m, lastTs: T0 + 150 * S }]);
    const spans = await stateSpans(ctx.db, [m], T0 + 30 * S, T0 + 1000 * S);
    expect(spans.map((s) => [s.state, s.start.getTime() - T0, s.end.getTime() - T0])).toEqual([
      ["setup", 30 * S, 60 * S],
      ["running", 60 * S, 120 * S],
      ["down", 120 * S, 150 * S],
    ]);
    expect(await closeOpenIntervals(ctx.db, [m], T0 + 140 * S)).toBe(1);
    expect(await closeOpenIntervals(ctx.db, [m], T0 + 140 * S)).toBe(0);
  });

  it("never leaves two open intervals when writers race", async () => {
    const m2 = (await seedTree(ctx.db, { prefix: "race", machines: 1 })).machineIds[0] as number;
    const states = ["running", "idle", "down", "setup"];
    const results = await Promise.all(
      states.map((state, i) => applyStateTransitions(ctx.db, [{ machineId: m2, state, ts: T0 + i * S }])),
    );
    expect(results.reduce((a, r) => a + r.opened, 0)).toBeGreaterThanOrEqual(1);
    const rows = await ctx.handle.query<{ open: number; total: number }>(
      sql`select count(*) filter (where end_ts is null)::int as open, count(*)::int as total
          from machine_state_intervals where machine_id = ${m2}`,
    );
    expect(rows[0]?.open).toBe(1);
  });
});
