/**
 * The coarse read path (enterprise daily and monthly rollups) must give the same sums as the daily path
 * (machine daily, hourly and minute rollups) for every window: partial months at both edges, whole
 * months, DST days, windows off the hour, a calendar that is not round-the-clock (its busy windows),
 * enterprises only partly in scope and an enterprise in another zone, after late corrections too.
 * Deltas are whole numbers, so both paths' sums are exact and compared with toEqual.
 */
import { pgArray, rebuildEnterpriseRollups, runWrites } from "@weft/db";
import { describeEachDb, seedTree } from "@weft/db/testing";
import { type Bucket, defaultCalendar, emptyBucket, plannedBusyWindows } from "@weft/kpi";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { rollupDeltaWrites } from "../ingest/rollup-write.ts";
import { type CoarseScope, sumSets, type TaggedWindow, type Totals, type WindowSet } from "./query.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TZ = "Europe/Berlin";
// Berlin local midnights (CET UTC+1 in winter, CEST UTC+2 from 29 March 2026).
const MAR1 = Date.UTC(2026, 1, 28, 23);
const APR1 = Date.UTC(2026, 2, 31, 22);
const MAY1 = Date.UTC(2026, 3, 30, 22);
const DATA_FROM = Date.UTC(2026, 1, 20);
const DATA_TO = Date.UTC(2026, 4, 12);

interface Machine {
  id: number;
  enterpriseId: number;
  timeZone: string;
}

/** Minute buckets of one machine every `step` minutes over [from, to), whole-number values. */
function buckets(m: Machine, from: number, to: number, step: number, sign = 1): Bucket[] {
  const out: Bucket[] = [];
  for (let t = from + ((m.id * 7) % step) * MIN, i = 0; t < to; t += step * MIN, i++) {
    const b = emptyBucket(Math.floor(t / MIN) * MIN);
    b.running_s = sign * (30 + ((i + m.id) % 31));
    b.down_s = sign * ((i * 3) % 17);
    b.produced = sign * (1 + ((i * 5 + m.id) % 9));
    b.good = b.produced - sign * (i % 2);
    b.ideal_s = b.produced * 20;
    b.failures = sign * (i % 3 === 0 ? 1 : 0);
    b.microstops = sign * (i % 4 === 0 ? 1 : 0);
    out.push(b);
  }
  return out;
}

describeEachDb("coarse rollups equal the daily path", (ctx) => {
  let whole: Machine[];
  let split: Machine[];
  let east: Machine[];
  const scopeOf = (ms: readonly Machine[]) =>
    sql`(select m.id from machines m where m.id = any(${pgArray(
      ms.map((m) => m.id),
      "int4",
    )}))`;
  const write = async (list: { m: Machine; buckets: Bucket[] }[]) => {
    const w = rollupDeltaWrites(
      list.map((x) => ({
        machineId: x.m.id,
        enterpriseId: x.m.enterpriseId,
        timeZone: x.m.timeZone,
        buckets: x.buckets,
      })),
    );
    if (w) {
      await runWrites(ctx.db, w.statements, [w.source]);
      await runWrites(ctx.db, w.enterprise);
    }
  };

  beforeAll(async () => {
    const tree = async (prefix: string, machines: number, timeZone: string) => {
      const t = await seedTree(ctx.db, { prefix, machines, timeZone });
      return t.machineIds.map((id) => ({ id, enterpriseId: t.enterpriseId, timeZone }));
    };
    whole = await tree("whole", 2, TZ);
    split = await tree("split", 2, TZ);
    east = await tree("east", 1, "Asia/Shanghai");
    // In batches of a few days, as gateways send them.
    for (let t = DATA_FROM; t < DATA_TO; t += 5 * DAY) {
      const end = Math.min(DATA_TO, t + 5 * DAY);
      await write([...whole, ...split, ...east].map((m) => ({ m, buckets: buckets(m, t, end, 173) })));
    }
  });

  /** The sums of both paths for these sets; the coarse one must have read enterprise rows. */
  const both = async (
    inScope: readonly Machine[],
    sets: readonly WindowSet[],
    coarse: CoarseScope,
  ): Promise<[Map<number, Map<number, Totals>>[], Map<number, Map<number, Totals>>[]]> => {
    const ids = scopeOf(inScope);
    return Promise.all([
      sumSets(ctx.handle, ids, sets, TZ, "enterprise", coarse),
      sumSets(ctx.handle, ids, sets, TZ, "enterprise", null),
    ]);
  };
  const windows: TaggedWindow[] = [
    // Partial months at both edges, off the hour.
    { tag: 0, start: Date.UTC(2026, 1, 25, 13, 17), end: Date.UTC(2026, 4, 3, 9, 41) },
    // Two whole months (March holds the spring-forward day).
    { tag: 1, start: MAR1, end: MAY1 },
    // The DST weekend alone.
    { tag: 2, start: Date.UTC(2026, 2, 27, 23), end: Date.UTC(2026, 2, 29, 22) },
    // One whole month and a day.
    { tag: 3, start: APR1 - DAY, end: MAY1 },
    // Edges with most of their month inside: the whole month less the days outside.
    { tag: 4, start: MAR1 + 2 * DAY, end: MAY1 + 27 * DAY },
  ];
  const calendar = defaultCalendar(TZ); // Mon–Sat 08–17, break 12–13
  const busy = (): TaggedWindow[] =>
    windows.flatMap((w) =>
      plannedBusyWindows(calendar, { start: w.start, end: w.end }).map((b) => ({ tag: w.tag, ...b })),
    );

  it("reads whole enterprises' months and days from their rollups, with the same sums", async () => {
    const scope = [...whole, ...split];
    const e = (ms: Machine[]) => (ms[0] as Machine).enterpriseId;
    const sets: WindowSet[] = [
      { windows },
      { windows: busy(), enterpriseIds: [e(whole), e(split)] },
      { windows: busy(), enterpriseIds: [e(whole)] },
    ];
    const coarse = { whole: [e(whole), e(split)], partial: [], months: true };
    const [fast, daily] = await both(scope, sets, coarse);
    expect(fast).toEqual(daily);
    expect(fast[0]?.get(1)?.get(e(whole))?.produced).toBeGreaterThan(0);
    expect(fast[1]?.get(0)?.size).toBe(2);
  });

  it("reads an enterprise only partly in scope per machine, and months as days in another zone", async () => {
    const scope = [...whole, split[0] as Machine, ...east];
    const e = (ms: Machine[]) => (ms[0] as Machine).enterpriseId;
    const sets: WindowSet[] = [{ windows }, { windows: busy(), enterpriseIds: [e(whole), e(split)] }];
    // What plannedSums decides for this scope: split is partial, east keeps Shanghai's months.
    const coarse = { whole: [e(whole), e(east)], partial: [e(split)], months: false };
    const [fast, daily] = await both(scope, sets, coarse);
    expect(fast).toEqual(daily);
    expect(fast[0]?.get(0)?.size).toBe(3);
  });

  it("stays equal after late corrections, and the coarse path does read the enterprise rows", async () => {
    // Late data: corrections (some negative) in past days and months, sent after the fact.
    await write([
      { m: whole[0] as Machine, buckets: buckets(whole[0] as Machine, MAR1 + 3 * DAY, MAR1 + 5 * DAY, 61) },
      { m: whole[1] as Machine, buckets: buckets(whole[1] as Machine, APR1 - HOUR, APR1 + HOUR, 7, -1) },
      { m: split[1] as Machine, buckets: buckets(split[1] as Machine, MAR1 - 2 * DAY, MAR1 + DAY, 29) },
    ]);
    const e = (ms: Machine[]) => (ms[0] as Machine).enterpriseId;
    const scope = [...whole, ...split];
    const coarse = { whole: [e(whole), e(split)], partial: [], months: true };
    const sets: WindowSet[] = [{ windows }, { windows: busy(), enterpriseIds: [e(whole)] }];
    const [fast, daily] = await both(scope, sets, coarse);
    expect(fast).toEqual(daily);
    // A wrong month row shows in the coarse answer (it is read), and the repair puts it right.
    await ctx.handle.query(
      sql`update enterprise_monthly_rollups set produced = produced + 1000 where enterprise_id = ${e(whole)}`,
    );
    const [broken] = await both(scope, sets, coarse);
    expect(broken[0]?.get(1)?.get(e(whole))?.produced).toBe(
      (daily[0]?.get(1)?.get(e(whole))?.produced ?? 0) + 2000,
    );
    await rebuildEnterpriseRollups(ctx.db, [e(whole)], DATA_FROM, DATA_TO);
    const [repaired] = await both(scope, sets, coarse);
    expect(repaired).toEqual(daily);
  });
});
