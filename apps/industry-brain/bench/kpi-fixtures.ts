/**
 * Fixtures of the kpi bench, built in SQL.
 * - `buildCheck`: raw readings (state and a production counter every 30 minutes) and the hourly and
 *   daily rollups derived from them in SQL (the enterprises' daily and monthly ones by
 *   `rebuildEnterpriseRollups`), for the check against `@weft/kpi` in JavaScript.
 * - `buildCity`: 10,000 machines × 365 days of daily rollups straight from generate_series, and their
 *   enterprises' daily and monthly rollups, in a database that is kept between runs (rebuilt when
 *   FIXTURE_VERSION changes or the schema has migrations the fixture was not built with).
 */
import { type DbHandle, rebuildEnterpriseRollups } from "@weft/db";
import { sql } from "drizzle-orm";
import { completeCreditCode, seedDemo } from "../src/seed/demo.ts";

export const DAY = 86_400_000;
export const STEP_MIN = 30;
const TZ_OFFSET = 8 * 3_600_000; // Asia/Shanghai
export const INDUSTRIES = ["C23", "C21", "C34", "C17", "C20", "C18"];
export const FIXTURE_VERSION = "city-v2";

/** The last local (Asia/Shanghai) midnight. */
export const lastMidnight = () => Math.floor((Date.now() + TZ_OFFSET) / DAY) * DAY - TZ_OFFSET;

/** A calendar that plans every hour of every day (continuous production). */
export const ROUND_THE_CLOCK = {
  timeZone: "Asia/Shanghai",
  shifts: [
    { name: "24h", days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: "00:00", end: "00:00" },
  ],
};

async function enterprisesAndMachines(h: DbHandle, prefix: string, machines: number): Promise<void> {
  await seedDemo(h);
  const parks = await h.query<{ id: number }>(sql`select id from parks order by id`);
  const ents = machines / 10;
  await h.query(sql`insert into enterprises (key, park_id, name, credit_code, industry_code)
    select ${`${prefix}-e`} || g, (${sql.raw(`array[${parks.map((p) => p.id).join(",")}]`)})[1 + g % ${parks.length}],
      ${`${prefix} enterprise `} || g, x.code, (${sql.raw(`array[${INDUSTRIES.map((i) => `'${i}'`).join(",")}]`)})[1 + g % ${INDUSTRIES.length}]
    from generate_series(0, ${ents - 1}) g
    join unnest(${sql.raw(
      `array[${Array.from({ length: ents }, (_, e) => `'${completeCreditCode(`91331004M${prefix === "city" ? "C" : "A"}${String(e).padStart(6, "0")}B`)}'`).join(",")}]`,
    )}::text[]) with ordinality as x(code, n) on x.n = g + 1`);
  await h.query(sql`insert into machines (key, enterprise_id, name, ideal_cycle_s)
    select ${`${prefix}-m`} || g, e.id, ${`${prefix} machine `} || g, 20 + (g % 5) * 5
    from generate_series(0, ${machines - 1}) g join enterprises e on e.key = ${`${prefix}-e`} || (g / 10)`);
}

/** Raw readings of `machines` over [from, to) and their hourly and daily rollups, derived in SQL. */
export async function buildCheck(h: DbHandle, machines: number, from: number, to: number): Promise<void> {
  await enterprisesAndMachines(h, "bench", machines);
  const steps = (to - from) / (STEP_MIN * 60_000);
  // One reading past the range, so the last interval closes.
  await h.query(sql`insert into readings (machine_id, point_key, ts, value_text, quality, signal)
    select m.id, 'State', to_timestamp(${from / 1000} + s * ${STEP_MIN * 60}),
      (array['running','running','running','setup','down','idle','running','running'])[1 + ((s * 7 + m.id * 3) % 8)], 0, 'state'
    from machines m cross join generate_series(0, ${steps}) s where m.key like 'bench-m%'`);
  await h.query(sql`insert into readings (machine_id, point_key, ts, value_num, quality, signal)
    select m.id, 'Total', to_timestamp(${from / 1000} + s * ${STEP_MIN * 60}), s * (40 + m.id % 30), 0, 'totalCount'
    from machines m cross join generate_series(0, ${steps}) s where m.key like 'bench-m%'`);
  // Each 30-minute interval lies inside one hour, so its state time and its counter delta (spread over
  // the interval, as ingest does) belong wholly to the bucket holding its start.
  for (const [table, unit] of [
    ["machine_hourly_rollups", "hour"],
    ["machine_daily_rollups", "day"],
  ] as const) {
    await h.query(sql`insert into ${sql.raw(table)} (machine_id, bucket, running_s, setup_s, down_s, idle_s, produced, good, ideal_s)
      with iv as (
        select machine_id, ts, value_text as state, lead(ts) over w as nts,
          lead(value_num) over w - value_num as d
        from readings where signal in ('state', 'totalCount')
        window w as (partition by machine_id, signal order by ts)
      ), t as (
        select machine_id, date_trunc(${unit}, ts, 'Asia/Shanghai') as b,
          sum(extract(epoch from nts - ts)) filter (where state = 'running') as run,
          sum(extract(epoch from nts - ts)) filter (where state = 'setup') as setup,
          sum(extract(epoch from nts - ts)) filter (where state = 'down') as down,
          sum(extract(epoch from nts - ts)) filter (where state = 'idle') as idle,
          sum(greatest(d, 0)) as produced
        from iv where nts is not null and ts < ${new Date(to).toISOString()}::timestamptz group by 1, 2
      )
      select t.machine_id, t.b, coalesce(run, 0), coalesce(setup, 0), coalesce(down, 0), coalesce(idle, 0),
        coalesce(produced, 0), coalesce(produced, 0), coalesce(produced, 0) * m.ideal_cycle_s
      from t join machines m on m.id = t.machine_id`);
  }
  await enterpriseRollups(h, from, to);
  await h.query(sql`analyze`);
}

/** The enterprises' daily and monthly rollups over [from, to), summed from the machines' daily ones. */
async function enterpriseRollups(h: DbHandle, from: number, to: number): Promise<void> {
  const ents = await h.query<{ id: number }>(sql`select id from enterprises`);
  await rebuildEnterpriseRollups(
    h.db,
    ents.map((e) => Number(e.id)),
    from - 32 * DAY,
    to + DAY,
  );
}

/** The schema the fixture is built on: the number of applied migrations. */
async function schemaVersion(h: DbHandle): Promise<string> {
  const rows = await h.query<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  return String(rows[0]?.n ?? 0);
}

/**
 * Whether the kept city database already holds this fixture, built on this schema: a new migration (a
 * new rollup table) makes the bench rebuild it rather than measure tables the fixture never filled.
 */
export async function hasCity(h: DbHandle): Promise<boolean> {
  const rows = await h.query<{ k: string; v: string }>(sql`select k, v from bench_fixture`).catch(() => []);
  const v = new Map(rows.map((r) => [r.k, r.v]));
  return v.get("version") === FIXTURE_VERSION && v.get("schema") === (await schemaVersion(h));
}

/**
 * 10,000 machines (1,000 enterprises on a round-the-clock calendar) × `days` daily rollups ending at
 * `to`, plus `to` itself in the fixture table: a kept fixture answers for the range it was built for.
 */
export async function buildCity(
  h: DbHandle,
  machines: number,
  days: number,
  to: number,
  progress: (m: string) => void,
): Promise<void> {
  await enterprisesAndMachines(h, "city", machines);
  await h.query(sql`insert into enterprise_calendars (enterprise_id, calendar)
    select id, ${JSON.stringify(ROUND_THE_CLOCK)}::jsonb from enterprises where key like 'city-e%'`);
  const chunk = 30;
  for (let d0 = 0; d0 < days; d0 += chunk) {
    progress(`daily rollups: days ${d0 + 1}–${Math.min(days, d0 + chunk)} of ${days}`);
    await h.query(sql`insert into machine_daily_rollups (machine_id, bucket, running_s, setup_s, down_s, idle_s, offline_s,
        produced, good, scrap, ideal_s, failures)
      select m.id, to_timestamp(${(to - days * DAY) / 1000} + d * 86400),
        40000 + (m.id * 37 + d * 101) % 30000, 2000 + (m.id + d) % 3000, 1000 + (m.id * 3 + d * 7) % 5000,
        5000 + (m.id * 11 + d) % 4000, 0,
        p.n, p.n - floor(p.n / 50), floor(p.n / 50), p.n * m.ideal_cycle_s, (m.id + d) % 4
      from machines m cross join generate_series(${d0}::int, ${Math.min(days, d0 + chunk) - 1}::int) d
        cross join lateral (select (1000 + (m.id * 13 + d * 17) % 800)::float8 as n) p
      where m.key like 'city-m%'`);
  }
  progress("enterprise daily and monthly rollups");
  await enterpriseRollups(h, to - days * DAY, to);
  progress("analyze");
  await h.query(sql`analyze`);
  await h.query(sql`create table if not exists bench_fixture (k text primary key, v text not null)`);
  await h.query(sql`insert into bench_fixture values ('version', ${FIXTURE_VERSION}), ('to', ${String(to)}),
      ('schema', ${await schemaVersion(h)})
    on conflict (k) do update set v = excluded.v`);
}

/** The `to` the kept fixture was built for. */
export async function cityTo(h: DbHandle): Promise<number> {
  const rows = await h.query<{ v: string }>(sql`select v from bench_fixture where k = 'to'`);
  return Number(rows[0]?.v);
}
