import {
  type CounterRole,
  isCounterRole,
  MACHINE_STATES,
  type MachineState,
  type SignalRole,
} from "@weft/core";
import { queryRows, toDate, type WeftExecutor } from "@weft/db";
import { sql } from "drizzle-orm";
import type { Carry, ReplayReading } from "./replay.ts";

const STATES = new Set<string>(MACHINE_STATES);
const asState = (s: unknown): MachineState | null =>
  typeof s === "string" && STATES.has(s) ? (s as MachineState) : null;
const asRole = (s: string): CounterRole | null =>
  isCounterRole(s as SignalRole) ? (s as CounterRole) : null;
const msOf = (v: unknown): number | null => (v === null || v === undefined ? null : toDate(v).getTime());

/** Serialise concurrent writers of the same machines (any brain process): transaction-scoped advisory locks in id order. */
export async function lockMachines(tx: WeftExecutor, ids: readonly number[]): Promise<void> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  await queryRows(
    tx,
    sql`select count(pg_advisory_xact_lock(${LOCK_NAMESPACE}::int4, x)) from (select unnest(${sql.param(sorted)}::int4[]) as x order by x) s`,
  );
}

/** Advisory lock namespace for per-machine ingest state ("WEFT" in ASCII, fits int4). */
export const LOCK_NAMESPACE = 0x5745_4654 & 0x7fff_ffff;

/** The stored incremental state of machines: where their previous batch stopped. */
export async function loadCarries(
  tx: WeftExecutor,
  machines: ReadonlyArray<{ id: number; idealCycleS: number | null }>,
): Promise<Map<number, Carry>> {
  const ids = machines.map((m) => m.id);
  const out = new Map<number, Carry>();
  for (const m of machines) {
    out.set(m.id, {
      lastTs: null,
      state: null,
      stateSince: null,
      prevState: null,
      jobId: null,
      idealCycleS: m.idealCycleS,
      counters: {},
    });
  }
  if (ids.length === 0) return out;
  // One round trip: live state, the open interval (source of truth for the state), the state before
  // it, and the counter baselines.
  const rows = await queryRows<{
    id: number;
    job_id: string | null;
    last_ts: unknown;
    state: string | null;
    start_ts: unknown;
    prev_state: string | null;
    counters: Array<{ p: string; r: string; v: number }> | string | null;
  }>(
    tx,
    sql`select m.id, l.job_id, l.last_ts, o.state, o.start_ts, p.state as prev_state,
          (select json_agg(json_build_object('p', c.point_key, 'r', c.role, 'v', c.last_value))
             from machine_counters c where c.machine_id = m.id) as counters
        from unnest(${sql.param(ids)}::int4[]) as m(id)
        left join machine_live l on l.machine_id = m.id
        left join lateral (select state, start_ts from machine_state_intervals i
                           where i.machine_id = m.id and i.end_ts is null limit 1) o on true
        left join lateral (select state from machine_state_intervals i
                           where i.machine_id = m.id and i.end_ts is not null
                           order by i.end_ts desc, i.id desc limit 1) p on true`,
  );
  for (const r of rows) {
    const c = out.get(Number(r.id));
    if (!c) continue;
    c.lastTs = msOf(r.last_ts);
    c.jobId = r.job_id;
    c.state = asState(r.state);
    c.stateSince = c.state === null ? null : msOf(r.start_ts);
    c.prevState = asState(r.prev_state);
    const counters =
      typeof r.counters === "string" ? (JSON.parse(r.counters) as typeof r.counters) : r.counters;
    for (const k of Array.isArray(counters) ? counters : []) {
      const role = asRole(k.r);
      if (role) c.counters[k.p] = { role, last: Number(k.v) };
    }
  }
  return out;
}

/** How far back the brain looks for the state in effect before a late reading. */
export const LOOKBACK_MS = 2 * 86_400_000;

/**
 * The carried state at time `from` (a minute start), rebuilt from stored raw readings and state
 * intervals, for replaying a window that late readings changed.
 */
export async function carryAt(
  tx: WeftExecutor,
  machine: { id: number; idealCycleS: number | null },
  from: number,
): Promise<Carry> {
  const out = await carriesAt(tx, [{ machine, from }]);
  return out.get(machine.id) as Carry;
}

export interface LateWindow {
  machine: { id: number; idealCycleS: number | null };
  /** Minute start the replay begins at. */
  from: number;
}

/** `unnest(ids, from, lookback start)` of a set of late windows, plus constant bounds for pruning. */
function windowsSql(list: readonly LateWindow[]) {
  const ids = list.map((w) => w.machine.id);
  const fs = list.map((w) => new Date(w.from).toISOString());
  const lbs = list.map((w) => new Date(w.from - LOOKBACK_MS).toISOString());
  const minFrom = Math.min(...list.map((w) => w.from));
  const maxFrom = Math.max(...list.map((w) => w.from));
  return {
    ids,
    u: sql`unnest(${sql.param(ids)}::int4[], ${sql.param(fs)}::text[], ${sql.param(lbs)}::text[]) as u(id, f, lb)`,
    minFrom: new Date(minFrom).toISOString(),
    minLb: new Date(minFrom - LOOKBACK_MS).toISOString(),
    maxFrom: new Date(maxFrom).toISOString(),
  };
}

/**
 * {@link carryAt} for many machines at once: each scan of raw readings (which have no per-machine
 * index, only BRIN on ts) covers all late machines of a batch instead of running once per machine.
 */
export async function carriesAt(tx: WeftExecutor, list: readonly LateWindow[]): Promise<Map<number, Carry>> {
  const out = new Map<number, Carry>();
  if (list.length === 0) return out;
  const w = windowsSql(list);
  const inWindow = sql`r.machine_id = u.id and r.ts < u.f::timestamptz and r.ts >= u.lb::timestamptz
    where r.machine_id = any(${sql.param(w.ids)}::int4[])
      and r.ts < ${w.maxFrom}::timestamptz and r.ts >= ${w.minLb}::timestamptz`;
  const lasts = await queryRows<{ id: number; ts: unknown }>(
    tx,
    sql`select r.machine_id as id, max(r.ts) as ts from readings r join ${w.u} on ${inWindow} group by r.machine_id`,
  );
  const counters = await queryRows<{
    id: number;
    point_key: string;
    signal: string;
    value_num: number | null;
  }>(
    tx,
    sql`select distinct on (r.machine_id, r.point_key) r.machine_id as id, r.point_key, r.signal, r.value_num
        from readings r join ${w.u} on ${inWindow}
          and r.signal in ('goodCount', 'rejectCount', 'totalCount', 'energyKwh') and r.value_num is not null
          and r.value_num >= 0 and r.quality < 2
        order by r.machine_id, r.point_key, r.ts desc`,
  );
  const jobs = await queryRows<{ id: number; value_text: string | null; value_num: number | null }>(
    tx,
    sql`select distinct on (r.machine_id) r.machine_id as id, r.value_text, r.value_num
        from readings r join ${w.u} on ${inWindow} and r.signal = 'job' and r.quality < 2
        order by r.machine_id, r.ts desc`,
  );
  const lastBy = new Map(lasts.map((r) => [Number(r.id), msOf(r.ts ?? null)]));
  const jobBy = new Map(jobs.map((r) => [Number(r.id), r]));
  for (const { machine, from } of list) {
    const f = new Date(from).toISOString();
    const lastTs = lastBy.get(machine.id) ?? null;
    // An offline gap that starts at the last reading before `from` was only known once later data came:
    // at `from` the full replay has not seen it yet, so it is skipped.
    const ivs = await queryRows<{ state: string; start_ts: unknown }>(
      tx,
      sql`select state, start_ts from machine_state_intervals where machine_id = ${machine.id} and start_ts < ${f}::timestamptz
          and not (state = 'offline' and ${lastTs === null ? null : new Date(lastTs).toISOString()}::timestamptz is not null
                   and start_ts >= ${lastTs === null ? null : new Date(lastTs).toISOString()}::timestamptz)
        order by start_ts desc, id desc limit 2`,
    );
    const job = jobBy.get(machine.id);
    const cur = ivs[0];
    const before = ivs[1];
    const curState = asState(cur?.state);
    const state = curState === "offline" ? null : curState;
    const jobRaw = job ? (job.value_text ?? (job.value_num === null ? null : String(job.value_num))) : null;
    out.set(machine.id, {
      lastTs,
      state,
      stateSince: cur ? msOf(cur.start_ts) : null,
      prevState: asState(before?.state),
      jobId: jobRaw && jobRaw.trim() !== "" ? jobRaw.trim() : null,
      idealCycleS: machine.idealCycleS,
      counters: {},
    });
  }
  for (const c of counters) {
    const carry = out.get(Number(c.id));
    const role = asRole(c.signal);
    if (carry && role && c.value_num !== null)
      carry.counters[c.point_key] = { role, last: Number(c.value_num) };
  }
  return out;
}

/** {@link readingsSince} for many machines in one scan, keyed by machine id. */
export async function readingsSinceMany(
  tx: WeftExecutor,
  list: readonly LateWindow[],
): Promise<Map<number, ReplayReading[]>> {
  const out = new Map<number, ReplayReading[]>();
  for (const { machine } of list) out.set(machine.id, []);
  if (list.length === 0) return out;
  const w = windowsSql(list);
  const rows = await queryRows<{
    id: number;
    point_key: string;
    ts: unknown;
    value_num: number | null;
    value_text: string | null;
    signal: string | null;
    quality: number;
  }>(
    tx,
    sql`select r.machine_id as id, r.point_key, r.ts, r.value_num, r.value_text, r.signal, r.quality
        from readings r join ${w.u} on r.machine_id = u.id and r.ts >= u.f::timestamptz
        where r.machine_id = any(${sql.param(w.ids)}::int4[]) and r.ts >= ${w.minFrom}::timestamptz
        order by r.machine_id, r.ts`,
  );
  for (const r of rows) {
    out.get(Number(r.id))?.push({
      ts: toDate(r.ts).getTime(),
      pointKey: r.point_key,
      signal: Number(r.quality) < 2 ? ((r.signal as SignalRole | null) ?? null) : null,
      value: r.value_text ?? (r.value_num === null ? null : Number(r.value_num)),
    });
  }
  return out;
}

/** Stored readings of a machine from `from` on (good or uncertain quality), in time order. */
export async function readingsSince(
  tx: WeftExecutor,
  machineId: number,
  from: number,
): Promise<ReplayReading[]> {
  const rows = await queryRows<{
    point_key: string;
    ts: unknown;
    value_num: number | null;
    value_text: string | null;
    signal: string | null;
    quality: number;
  }>(
    tx,
    sql`select point_key, ts, value_num, value_text, signal, quality from readings
        where machine_id = ${machineId} and ts >= ${new Date(from).toISOString()}::timestamptz order by ts`,
  );
  return rows.map((r) => ({
    ts: toDate(r.ts).getTime(),
    pointKey: r.point_key,
    signal: Number(r.quality) < 2 ? ((r.signal as SignalRole | null) ?? null) : null,
    value: r.value_text ?? (r.value_num === null ? null : Number(r.value_num)),
  }));
}
