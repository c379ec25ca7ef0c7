/**
 * `pnpm bench kpi`, two parts:
 * 1. check (PostgreSQL when DATABASE_URL is set, else PGlite): 1,000 machines × 30 days of raw readings
 *    (state and a production counter every 30 minutes); the hourly and daily rollups are derived from
 *    them in SQL. The city's OEE by industry and by park through `industries.summary` (tRPC caller,
 *    the real query path, default Mon–Sat calendar) must equal — |Δ| ≤ 1e-9 — an independent
 *    computation: the raw readings fetched into JavaScript and run through the pure `@weft/kpi`
 *    functions (stateIntervals, counterDelta, elementsFromIntervals with the calendar, kpisFromElements).
 *    That computation from raw is also the timing baseline.
 * 2. scale (PostgreSQL): 10,000 machines × 365 days of daily rollups built with generate_series (and
 *    their enterprises' daily and monthly rollups) in a database that is kept between runs
 *    (`weft_bench_kpi_city`); median of `industries.summary`, and which rollup tables one call read
 *    (named by the statements of one call).
 * Last stdout line: one JSON object with the figures; progress goes to stderr.
 */
import * as os from "node:os";
import { createDb, type DbHandle } from "@weft/db";
import {
  type CounterValue,
  counterDelta,
  defaultCalendar,
  type Elements,
  elementsFromIntervals,
  kpisFromElements,
  type QuantityDelta,
  ShiftCalendar,
  type StateReading,
  stateIntervals,
  sumElements,
} from "@weft/kpi";
import { sql } from "drizzle-orm";
import pino from "pino";
import { newSessionToken, sha256Hex } from "../src/auth/crypto.ts";
import { createRateLimiter } from "../src/auth/rate-limit.ts";
import { createInternalContext } from "../src/context.ts";
import { createCaller } from "../src/root.ts";
import { DEFAULT_LIMITS, DEFAULT_SETTINGS } from "../src/server.ts";
import { buildCheck, buildCity, cityTo, DAY, hasCity, lastMidnight } from "./kpi-fixtures.ts";

const MACHINES = Number(process.env.BENCH_MACHINES ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const CITY_MACHINES = 10_000;
const CITY_DAYS = 365;
const CITY_DB = "weft_bench_kpi_city";
const TOLERANCE = 1e-9;
const TARGET_MS = 100;
const progress = (m: string) => process.stderr.write(`[kpi bench] ${m}\n`);

async function callerFor(handle: DbHandle) {
  const token = newSessionToken();
  const [u] = await handle.query<{ id: number }>(sql`select id from users where email = 'city@weft.demo'`);
  await handle.query(
    sql`insert into sessions (token_hash, user_id, expires_at) values (${sha256Hex(token)}, ${u?.id}, now() + interval '1 day')`,
  );
  const services = {
    handle,
    logger: pino({ level: "silent" }),
    settings: DEFAULT_SETTINGS,
    limits: DEFAULT_LIMITS,
    rateLimiter: createRateLimiter(),
    now: Date.now,
  };
  return createCaller(
    createInternalContext(services, { cookie: `${DEFAULT_SETTINGS.sessionCookie}=${token}` }),
  );
}

async function timed<T>(
  fn: () => Promise<T>,
  runs: number,
): Promise<{ median: number; min: number; max: number; result: T }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    median: times[Math.floor(times.length / 2)] ?? 0,
    min: times[0] ?? 0,
    max: times.at(-1) ?? 0,
    result: result as T,
  };
}

/** OEE by industry and by park from the raw readings, in JavaScript with `@weft/kpi` only. */
async function fromRaw(h: DbHandle, from: number, to: number) {
  // Every machine of the city (the demo's own have no readings: planned time, nothing made).
  const machines = await h.query<{
    id: number;
    industry: string;
    park_id: number;
    ideal: number;
    tz: string;
    calendar: unknown;
  }>(sql`
    select m.id, upper(left(e.industry_code, 3)) as industry, e.park_id, m.ideal_cycle_s as ideal, e.time_zone as tz,
      c.calendar
    from machines m join enterprises e on e.id = m.enterprise_id join parks p on p.id = e.park_id
      join cities ci on ci.id = p.city_id left join enterprise_calendars c on c.enterprise_id = e.id
    where ci.key = 'taizhou'`);
  const rows = await h.query<{
    machine_id: number;
    t: number;
    signal: string;
    s: string | null;
    v: number | null;
  }>(sql`
    select machine_id, (extract(epoch from ts) * 1000)::float8 as t, signal, value_text as s, value_num as v
    from readings where signal in ('state', 'totalCount') order by machine_id, ts`);
  const byMachine = new Map<number, { states: StateReading[]; counts: { ts: number; v: CounterValue }[] }>();
  for (const r of rows) {
    const id = Number(r.machine_id);
    let m = byMachine.get(id);
    if (!m) {
      m = { states: [], counts: [] };
      byMachine.set(id, m);
    }
    if (r.signal === "state") m.states.push({ ts: Number(r.t), state: r.s as StateReading["state"] });
    else m.counts.push({ ts: Number(r.t), v: Number(r.v) });
  }
  const range = { start: from, end: to };
  const byIndustry = new Map<string, Elements[]>();
  const byPark = new Map<number, Elements[]>();
  for (const m of machines) {
    const raw = byMachine.get(Number(m.id)) ?? { states: [], counts: [] };
    const intervals = stateIntervals(raw.states, { staleAfterMs: 3_600_000, until: to });
    const deltas: QuantityDelta[] = [];
    for (let i = 1; i < raw.counts.length; i++) {
      const prev = raw.counts[i - 1];
      const next = raw.counts[i];
      if (!prev || !next) continue;
      const { delta } = counterDelta(prev.v, next.v, { type: "uint32" });
      deltas.push({
        ts: next.ts,
        from: prev.ts,
        produced: delta,
        good: delta,
        idealS: delta * Number(m.ideal),
      });
    }
    const own = m.calendar ? ShiftCalendar.safeParse(m.calendar) : null;
    const e = elementsFromIntervals(
      intervals,
      deltas,
      range,
      own?.success ? own.data : defaultCalendar(m.tz),
    );
    byIndustry.set(m.industry, [...(byIndustry.get(m.industry) ?? []), e]);
    byPark.set(Number(m.park_id), [...(byPark.get(Number(m.park_id)) ?? []), e]);
  }
  const oee = (list: Elements[]) => kpisFromElements(sumElements(list)).oee;
  return {
    industries: new Map([...byIndustry].map(([k, l]) => [k, oee(l)])),
    parks: new Map([...byPark].map(([k, l]) => [k, oee(l)])),
    readings: rows.length,
  };
}

async function tempDatabase(url: string | undefined, name: string, keep: boolean, fresh = !keep) {
  if (!url) {
    const handle = await createDb();
    return { handle, close: () => handle.close() };
  }
  const admin = await createDb({ url, migrate: false, max: 1 });
  const exists = await admin.query<{ n: number }>(
    sql`select count(*)::int as n from pg_database where datname = ${name}`,
  );
  if (fresh || !exists[0]?.n) {
    await admin.query(sql.raw(`drop database if exists "${name}" with (force)`));
    await admin.query(sql.raw(`create database "${name}"`));
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  const handle = await createDb({ url: u.toString(), max: 8, logger: tableLogger });
  return {
    handle,
    admin,
    close: async () => {
      await handle.close();
      if (!keep) await admin.query(sql.raw(`drop database if exists "${name}" with (force)`));
      await admin.close();
    },
  };
}

async function check(url: string | undefined) {
  const to = lastMidnight();
  const from = to - DAYS * DAY;
  const db = await tempDatabase(url, `weft_bench_kpi_${process.pid}`, false);
  try {
    progress(`check: building ${MACHINES} machines × ${DAYS} days of raw readings and their rollups`);
    const t0 = performance.now();
    await buildCheck(db.handle, MACHINES, from, to);
    const buildS = (performance.now() - t0) / 1000;
    const caller = await callerFor(db.handle);
    progress(
      "check: industries.summary from rollups (9 runs), then the same from raw readings in JavaScript (3 runs)",
    );
    const rollup = await timed(() => caller.industries.summary({ range: { from, to }, city: "taizhou" }), 9);
    const raw = await timed(() => fromRaw(db.handle, from, to), 3);
    let maxDiff = 0;
    const rows: string[] = [];
    const compare = (label: string, a: number | null, b: number | null | undefined) => {
      // Both null (no production or no planned time): they agree. One null: they do not.
      const d =
        a === null && (b === null || b === undefined)
          ? 0
          : a === null || b === null || b === undefined
            ? Number.POSITIVE_INFINITY
            : Math.abs(a - b);
      maxDiff = Math.max(maxDiff, d);
      rows.push(
        `${label.padEnd(24)} ${(a ?? Number.NaN).toFixed(6).padStart(12)} ${(b ?? Number.NaN).toFixed(6).padStart(12)} ${d.toExponential(1).padStart(9)}`,
      );
    };
    for (const i of rollup.result.industries)
      compare(`industry ${i.code}`, i.oee, raw.result.industries.get(i.code));
    for (const p of rollup.result.parks) compare(`park ${p.parkKey}`, p.oee, raw.result.parks.get(p.parkId));
    return { buildS, rollup, raw, maxDiff, rows, readings: raw.result.readings };
  } finally {
    await db.close();
  }
}

async function city(url: string) {
  let db = await tempDatabase(url, CITY_DB, true);
  try {
    let built = false;
    const t0 = performance.now();
    if (!(await hasCity(db.handle))) {
      // Missing or half built (an interrupted run): start from an empty database.
      await db.close();
      db = await tempDatabase(url, CITY_DB, true, true);
      progress(
        `scale: building ${CITY_MACHINES} machines × ${CITY_DAYS} days of daily rollups in ${CITY_DB} (kept for the next run)`,
      );
      await buildCity(db.handle, CITY_MACHINES, CITY_DAYS, lastMidnight(), progress);
      built = true;
    } else progress(`scale: reusing the fixture in ${CITY_DB}`);
    const buildS = (performance.now() - t0) / 1000;
    const to = await cityTo(db.handle);
    const from = to - CITY_DAYS * DAY;
    const caller = await callerFor(db.handle);
    progress("scale: industries.summary over 365 days (2 warm-up + 15 runs)");
    const call = () => caller.industries.summary({ range: { from, to }, city: "taizhou" });
    await call();
    tablesRead = new Set();
    await call();
    const read = [...tablesRead];
    tablesRead = null;
    const r = await timed(call, 15);
    return { built, buildS, read, ...r };
  } finally {
    await db.close();
  }
}

/** While set, the rollup tables named by the statements the city database runs (see `tempDatabase`). */
let tablesRead: Set<string> | null = null;
const ROLLUP_TABLE = /\b(?:machine_(?:minute|hourly|daily)|enterprise_(?:daily|monthly))_rollups\b/g;
const tableLogger = {
  logQuery(query: string): void {
    if (tablesRead) for (const m of query.match(ROLLUP_TABLE) ?? []) tablesRead.add(m);
  },
};

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  const cityUrl = url ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const c = await check(url);
  // The scale part needs PostgreSQL; without one it is skipped with the reason, never passed silently.
  const s = await city(cityUrl).catch((e: unknown) => {
    const reason = e instanceof Error ? e.message : String(e);
    if (url || !/ECONNREFUSED|connect|getaddrinfo/i.test(reason)) throw e;
    return { skipped: reason } as const;
  });
  const [l1, l5, l15] = os.loadavg().map((x) => x.toFixed(2));
  console.log(`kpi bench — load average ${l1} ${l5} ${l15}, ${os.cpus().length} cores`);
  console.log(
    `check (${url ? "PostgreSQL" : "PGlite"}): ${MACHINES} machines × ${DAYS} days, ${c.readings} raw readings, built in ${c.buildS.toFixed(1)} s; default calendar (Mon–Sat 08–17, break 12–13)`,
  );
  console.log(
    `${"OEE".padEnd(24)} ${"rollups".padStart(12)} ${"@weft/kpi".padStart(12)} ${"|Δ|".padStart(9)}`,
  );
  for (const r of c.rows) console.log(r);
  console.log(
    `  rollups (industries.summary): median ${c.rollup.median.toFixed(1)} ms; baseline, raw readings → @weft/kpi in JavaScript: median ${c.raw.median.toFixed(0)} ms (${(c.raw.median / c.rollup.median).toFixed(0)}×)`,
  );
  console.log(`  max |ΔOEE| ${c.maxDiff.toExponential(2)} (must be ≤ ${TOLERANCE})`);
  if ("skipped" in s) console.log(`scale: skipped, no PostgreSQL at ${cityUrl} (${s.skipped})`);
  else {
    console.log(
      `scale (PostgreSQL): ${CITY_MACHINES} machines × ${CITY_DAYS} days of daily rollups (${CITY_MACHINES * CITY_DAYS} rows, round-the-clock calendars), ${s.built ? `built in ${s.buildS.toFixed(0)} s` : `fixture kept in ${CITY_DB}`}`,
    );
    console.log(
      `  industries.summary: median ${s.median.toFixed(0)} ms (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)}) — target ≤ ${TARGET_MS} ms: ${s.median <= TARGET_MS ? "met" : "NOT met"}`,
    );
    console.log(`  rollup tables one call read: ${rollupLevel(s.read) || "none"}`);
  }
  const ms = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      bench: "kpi",
      rollup_median_ms: Math.round(c.rollup.median * 10) / 10,
      raw_js_median_ms: Math.round(c.raw.median),
      max_oee_diff: c.maxDiff,
      machines: MACHINES,
      days: DAYS,
      city_machines: CITY_MACHINES,
      city_days: CITY_DAYS,
      city_median_ms: "skipped" in s ? null : ms(s.median),
      city_min_ms: "skipped" in s ? null : ms(s.min),
      city_max_ms: "skipped" in s ? null : ms(s.max),
      // The rollup tables the statements of one city summary read, coarsest first.
      city_rollup_level: "skipped" in s ? null : rollupLevel(s.read),
      load_avg_1m: Number(l1),
    }),
  );
  if (!(c.maxDiff <= TOLERANCE)) {
    console.error(
      `kpi bench: rollup OEE differs from the @weft/kpi computation by ${c.maxDiff} (> ${TOLERANCE})`,
    );
    process.exit(1);
  }
}

const COARSE_FIRST = [
  "enterprise_monthly_rollups",
  "enterprise_daily_rollups",
  "machine_daily_rollups",
  "machine_hourly_rollups",
  "machine_minute_rollups",
];

/** The tables read, coarsest first, joined by "+" (e.g. "enterprise_monthly_rollups+enterprise_daily_rollups"). */
function rollupLevel(read: readonly string[]): string {
  return COARSE_FIRST.filter((t) => read.includes(t)).join("+");
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
