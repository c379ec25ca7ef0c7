/**
 * `pnpm bench kpi`: 1,000 machines × 30 days of rollups; the city's OEE by industry and by park
 * through `industries.summary` (tRPC caller, real query path) — median of repeated runs — next to
 * the same answer computed from the raw readings the rollups were built from.
 *
 * Data: every machine reports its state and a production counter every 30 minutes for 30 days
 * (2.9 M raw readings). The daily rollups are built from those raw readings in SQL (the ingest path
 * is measured by the ingest bench), so both answers must agree.
 */
import { createDb, type DbHandle } from "@weft/db";
import { kpisFromElements } from "@weft/kpi";
import { sql } from "drizzle-orm";
import pino from "pino";
import { hashPassword, newSessionToken, sha256Hex } from "../src/auth/crypto.ts";
import { createRateLimiter } from "../src/auth/rate-limit.ts";
import { createInternalContext } from "../src/context.ts";
import { evaluate, toTotals } from "../src/kpi/query.ts";
import { createCaller } from "../src/root.ts";
import { completeCreditCode, seedDemo } from "../src/seed/demo.ts";
import { DEFAULT_LIMITS, DEFAULT_SETTINGS } from "../src/server.ts";

const MACHINES = Number(process.env.BENCH_MACHINES ?? 1000);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const STEP_MIN = 30;
const DAY = 86_400_000;
const TZ_OFFSET = 8 * 3_600_000; // Asia/Shanghai
// 30 whole local days ending at the last local midnight.
const TO = Math.floor((Date.now() + TZ_OFFSET) / DAY) * DAY - TZ_OFFSET;
const FROM = TO - DAYS * DAY;
const INDUSTRIES = ["C23", "C21", "C34", "C17", "C20", "C18"];

async function build(h: DbHandle): Promise<void> {
  await seedDemo(h);
  const [city] = await h.query<{ id: number }>(sql`select id from cities where key = 'taizhou'`);
  const parks = await h.query<{ id: number }>(sql`select id from parks order by id`);
  // 100 enterprises of 10 machines over the parks and six industries.
  const ents = MACHINES / 10;
  for (let e = 0; e < ents; e++) {
    const park = parks[e % parks.length]?.id;
    const stem = `91331004MA${String(e).padStart(6, "0")}B`;
    await h.query(sql`insert into enterprises (key, park_id, name, credit_code, industry_code)
      values (${`bench-e${e}`}, ${park}, ${`bench enterprise ${e}`}, ${completeCreditCode(stem)}, ${INDUSTRIES[e % INDUSTRIES.length]})`);
  }
  await h.query(sql`insert into machines (key, enterprise_id, name, ideal_cycle_s)
    select 'bench-m' || g, e.id, 'bench machine ' || g, 20 + (g % 5) * 5
    from generate_series(0, ${MACHINES - 1}) g join enterprises e on e.key = 'bench-e' || (g / 10)`);
  // Raw readings: state and counter every 30 minutes (one reading past the range so the last interval closes).
  const steps = (DAYS * 24 * 60) / STEP_MIN + 1;
  await h.query(sql`select 1`);
  await h.query(sql`insert into readings (machine_id, point_key, ts, value_text, quality, signal)
    select m.id, 'State', to_timestamp(${FROM / 1000} + s * ${STEP_MIN * 60}),
      (array['running','running','running','setup','down','idle','running','running'])[1 + ((s * 7 + m.id * 3) % 8)], 0, 'state'
    from machines m cross join generate_series(0, ${steps}) s where m.key like 'bench-m%'`);
  await h.query(sql`insert into readings (machine_id, point_key, ts, value_num, quality, signal)
    select m.id, 'Total', to_timestamp(${FROM / 1000} + s * ${STEP_MIN * 60}), s * (40 + m.id % 30), 0, 'totalCount'
    from machines m cross join generate_series(0, ${steps}) s where m.key like 'bench-m%'`);
  // Daily rollups from those raw readings (state time by lead(), counter by positive deltas).
  await h.query(sql`insert into machine_daily_rollups (machine_id, bucket, running_s, setup_s, down_s, idle_s, produced, good, ideal_s)
    with st as (
      select machine_id, ts, value_text as state, lead(ts) over (partition by machine_id order by ts) as nts
      from readings where signal = 'state'
    ), c as (
      select machine_id, ts, greatest(value_num - lag(value_num) over (partition by machine_id order by ts), 0) as d
      from readings where signal = 'totalCount'
    ), t as (
      select machine_id, date_trunc('day', ts, 'Asia/Shanghai') as b,
        sum(extract(epoch from nts - ts)) filter (where state = 'running') as run,
        sum(extract(epoch from nts - ts)) filter (where state = 'setup') as setup,
        sum(extract(epoch from nts - ts)) filter (where state = 'down') as down,
        sum(extract(epoch from nts - ts)) filter (where state = 'idle') as idle
      from st where nts is not null and ts < ${new Date(TO).toISOString()}::timestamptz group by 1, 2
    ), q as (
      select machine_id, date_trunc('day', ts, 'Asia/Shanghai') as b, sum(d) as produced
      from c where d is not null and ts < ${new Date(TO).toISOString()}::timestamptz group by 1, 2
    )
    select t.machine_id, t.b, coalesce(run, 0), coalesce(setup, 0), coalesce(down, 0), coalesce(idle, 0),
      coalesce(q.produced, 0), coalesce(q.produced, 0), coalesce(q.produced, 0) * m.ideal_cycle_s
    from t left join q on q.machine_id = t.machine_id and q.b = t.b join machines m on m.id = t.machine_id`);
  await h.query(
    sql`insert into machine_live (machine_id, last_ts) select id, ${new Date(TO).toISOString()}::timestamptz from machines where key like 'bench-m%'`,
  );
  await h.query(sql`analyze`);
  void city;
}

/** The same figures straight from raw readings. */
async function fromRaw(h: DbHandle) {
  const rows = await h.query<Record<string, unknown> & { industry: string; park_id: number }>(sql`
    with st as (
      select machine_id, ts, value_text as state, lead(ts) over (partition by machine_id order by ts) as nts
      from readings where signal = 'state' and ts >= ${new Date(FROM).toISOString()}::timestamptz and ts <= ${new Date(TO).toISOString()}::timestamptz
    ), c as (
      select machine_id, ts, greatest(value_num - lag(value_num) over (partition by machine_id order by ts), 0) as d
      from readings where signal = 'totalCount' and ts >= ${new Date(FROM).toISOString()}::timestamptz and ts <= ${new Date(TO).toISOString()}::timestamptz
    ), t as (
      select machine_id, sum(extract(epoch from nts - ts)) filter (where state = 'running') as run,
        sum(extract(epoch from nts - ts)) filter (where state = 'setup') as setup,
        sum(extract(epoch from nts - ts)) filter (where state = 'down') as down,
        sum(extract(epoch from nts - ts)) filter (where state = 'idle') as idle
      from st where nts is not null and ts < ${new Date(TO).toISOString()}::timestamptz group by 1
    ), q as (select machine_id, sum(d) as produced from c where d is not null and ts < ${new Date(TO).toISOString()}::timestamptz group by 1)
    select upper(left(e.industry_code, 3)) as industry, e.park_id,
      sum(coalesce(run, 0))::float8 as running_s, sum(coalesce(setup, 0))::float8 as setup_s, sum(coalesce(down, 0))::float8 as down_s,
      sum(coalesce(idle, 0))::float8 as idle_s, sum(coalesce(q.produced, 0))::float8 as produced,
      sum(coalesce(q.produced, 0) * m.ideal_cycle_s)::float8 as ideal_s, count(*)::int as machines
    from machines m join enterprises e on e.id = m.enterprise_id left join t on t.machine_id = m.id left join q on q.machine_id = m.id
    group by 1, 2`);
  const byIndustry = new Map<string, { oee: number | null }>();
  const sums = new Map<string, ReturnType<typeof zero>>();
  for (const r of rows) {
    const s = sums.get(r.industry) ?? zero();
    s.running_s += Number(r.running_s);
    s.setup_s += Number(r.setup_s);
    s.down_s += Number(r.down_s);
    s.idle_s += Number(r.idle_s);
    s.produced += Number(r.produced);
    s.good += Number(r.produced);
    s.ideal_s += Number(r.ideal_s);
    s.machines += Number(r.machines);
    sums.set(r.industry, s);
  }
  for (const [k, s] of sums) {
    const { machines, ...t } = s;
    byIndustry.set(k, { oee: kpisFromElements(evaluate({ ...t }, FROM, TO, machines).elements).oee });
  }
  return byIndustry;
}

function zero() {
  return { ...toTotals(undefined), machines: 0 };
}

async function timed<T>(fn: () => Promise<T>, runs: number): Promise<{ median: number; result: T }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)] ?? 0, result: result as T };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  let handle: DbHandle;
  let cleanup = async () => {};
  if (url) {
    const name = `weft_bench_kpi_${process.pid}`;
    const admin = await createDb({ url, migrate: false, max: 1 });
    await admin.query(sql.raw(`drop database if exists "${name}"`));
    await admin.query(sql.raw(`create database "${name}"`));
    const u = new URL(url);
    u.pathname = `/${name}`;
    handle = await createDb({ url: u.toString(), max: 8 });
    cleanup = async () => {
      await handle.close();
      await admin.query(sql.raw(`drop database if exists "${name}" with (force)`));
      await admin.close();
    };
  } else {
    handle = await createDb();
    cleanup = () => handle.close();
  }
  try {
    const t0 = performance.now();
    await build(handle);
    const buildS = (performance.now() - t0) / 1000;
    // A signed-in city admin calling the real procedure.
    const token = newSessionToken();
    const [u] = await handle.query<{ id: number }>(sql`select id from users where email = 'city@weft.demo'`);
    await handle.query(
      sql`insert into sessions (token_hash, user_id, expires_at) values (${sha256Hex(token)}, ${u?.id}, now() + interval '1 day')`,
    );
    void hashPassword;
    const services = {
      handle,
      logger: pino({ level: "silent" }),
      settings: DEFAULT_SETTINGS,
      limits: DEFAULT_LIMITS,
      rateLimiter: createRateLimiter(),
      now: Date.now,
    };
    const caller = createCaller(
      createInternalContext(services, { cookie: `${DEFAULT_SETTINGS.sessionCookie}=${token}` }),
    );
    const rollup = await timed(
      () => caller.industries.summary({ range: { from: FROM, to: TO }, city: "taizhou" }),
      15,
    );
    const raw = await timed(() => fromRaw(handle), 3);
    console.log(
      `kpi bench: ${MACHINES} machines × ${DAYS} days (${url ? "PostgreSQL" : "PGlite"}), data built in ${buildS.toFixed(1)} s`,
    );
    console.log("industry   machines   OEE (rollups)   OEE (raw)");
    let maxDiff = 0;
    for (const i of rollup.result.industries) {
      const r = raw.result.get(i.code)?.oee ?? null;
      if (i.oee !== null && r !== null) maxDiff = Math.max(maxDiff, Math.abs(i.oee - r));
      console.log(
        `${i.code.padEnd(9)} ${String(i.machines).padStart(9)}   ${(i.oee ?? 0).toFixed(4).padStart(13)}   ${(r ?? 0).toFixed(4).padStart(9)}`,
      );
    }
    for (const p of rollup.result.parks)
      console.log(
        `park ${p.parkKey}: machines ${p.machines}, 开机率 ${(p.runningRate ?? 0).toFixed(4)}, OEE ${(p.oee ?? 0).toFixed(4)}`,
      );
    console.log(
      `median: rollups ${rollup.median.toFixed(1)} ms, raw readings ${raw.median.toFixed(1)} ms; max |ΔOEE| ${maxDiff.toExponential(2)}`,
    );
    console.log(
      JSON.stringify({
        bench: "kpi",
        rollup_median_ms: Math.round(rollup.median * 10) / 10,
        raw_median_ms: Math.round(raw.median * 10) / 10,
        machines: MACHINES,
        days: DAYS,
      }),
    );
  } finally {
    await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
