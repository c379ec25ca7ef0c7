import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { upsertJobs } from "./jobs.ts";
import { getCounterStates, upsertCounterStates, upsertMachineLive } from "./live.ts";
import { describeEachDb, seedTree } from "./testing.ts";

const T0 = Date.UTC(2026, 10, 23, 8);

describeEachDb("live state, counters and jobs", (ctx) => {
  let m: number;
  beforeAll(async () => {
    m = (await seedTree(ctx.db)).machineIds[0] as number;
  });
  const live = async () =>
    (
      await ctx.handle.query<{ state: string | null; since: number; last: number; job_id: string | null }>(
        sql`select state, (extract(epoch from state_since) * 1000)::float8 as since,
                   (extract(epoch from last_ts) * 1000)::float8 as last, job_id from machine_live where machine_id = ${m}`,
      )
    )[0];

  it("machine_live only moves forward", async () => {
    await upsertMachineLive(ctx.db, [
      { machineId: m, lastTs: T0 + 5000, state: "running", stateTs: T0, jobId: "J1" },
    ]);
    expect(await live()).toMatchObject({ state: "running", since: T0, last: T0 + 5000, job_id: "J1" });
    // same state later: state_since kept; older last_ts ignored
    await upsertMachineLive(ctx.db, [
      { machineId: m, lastTs: T0 + 1000, state: "running", stateTs: T0 + 900 },
    ]);
    expect(await live()).toMatchObject({ state: "running", since: T0, last: T0 + 5000 });
    // a late state reading does not override a newer one
    await upsertMachineLive(ctx.db, [{ machineId: m, lastTs: T0, state: "down", stateTs: T0 - 1000 }]);
    expect((await live())?.state).toBe("running");
    await upsertMachineLive(ctx.db, [{ machineId: m, lastTs: T0 + 9000, state: "down", stateTs: T0 + 8000 }]);
    expect(await live()).toMatchObject({ state: "down", since: T0 + 8000, last: T0 + 9000, job_id: "J1" });
  });

  it("counter states keep the newest value", async () => {
    await upsertCounterStates(ctx.db, [
      { machineId: m, pointKey: "Good", role: "goodCount", value: 10, ts: T0 },
      { machineId: m, pointKey: "Good", role: "goodCount", value: 12, ts: T0 + 1000 },
      { machineId: m, pointKey: "kWh", role: "energyKwh", value: 3.5, ts: T0 },
    ]);
    await upsertCounterStates(ctx.db, [
      { machineId: m, pointKey: "Good", role: "goodCount", value: 1, ts: T0 - 1 },
    ]);
    const states = await getCounterStates(ctx.db, [m]);
    const good = states.find((s) => s.pointKey === "Good");
    expect(good).toMatchObject({ lastValue: 12, role: "goodCount" });
    expect(good?.lastTs.getTime()).toBe(T0 + 1000);
    expect(states).toHaveLength(2);
  });

  it("jobs add up and widen their span", async () => {
    await upsertJobs(ctx.db, [
      {
        machineId: m,
        jobId: "J1",
        firstTs: T0,
        lastTs: T0 + 60_000,
        produced: 100,
        good: 95,
        waste: 5,
        runS: 50,
      },
      { machineId: m, jobId: "J1", firstTs: T0 + 60_000, lastTs: T0 + 120_000, produced: 10, good: 10 },
    ]);
    await upsertJobs(ctx.db, [
      { machineId: m, jobId: "J1", firstTs: T0 - 30_000, lastTs: T0, setupS: 30, waste: 2 },
    ]);
    const [j] = await ctx.handle.query<{
      produced: number;
      good: number;
      waste: number;
      run_s: number;
      setup_s: number;
      f: number;
      l: number;
    }>(
      sql`select produced, good, waste, run_s, setup_s, (extract(epoch from first_ts) * 1000)::float8 as f,
                 (extract(epoch from last_ts) * 1000)::float8 as l from jobs where machine_id = ${m} and job_id = 'J1'`,
    );
    expect(j).toMatchObject({ produced: 110, good: 105, waste: 7, run_s: 50, setup_s: 30 });
    expect([Number(j?.f), Number(j?.l)]).toEqual([T0 - 30_000, T0 + 120_000]);
  });
});
