import {
  type CounterRole,
  isCounterRole,
  MACHINE_STATES,
  type MachineState,
  type SignalRole,
} from "@weft/core";
import { pgArray, queryPrepared, toDate, type WeftExecutor } from "@weft/db";
import { sql } from "drizzle-orm";
import type { Carry, CounterCarry } from "./replay.ts";

const STATES = new Set<string>(MACHINE_STATES);
export const asState = (s: unknown): MachineState | null =>
  typeof s === "string" && STATES.has(s) ? (s as MachineState) : null;
export const asRole = (s: string): CounterRole | null =>
  isCounterRole(s as SignalRole) ? (s as CounterRole) : null;
export const msOf = (v: unknown): number | null =>
  v === null || v === undefined ? null : toDate(v).getTime();

/** Serialise concurrent writers of the same machines (any brain process): transaction-scoped advisory locks in id order. */
export async function lockMachines(tx: WeftExecutor, ids: readonly number[]): Promise<void> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  if (sorted.length === 0) return;
  await queryPrepared(
    tx,
    sql`select count(pg_advisory_xact_lock(${LOCK_NAMESPACE}::int4, x)) from (select unnest(${pgArray(sorted, "int4")}) as x order by x) s`,
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
  // Live state, the open interval (source of truth for the state) and the state before it in one
  // query; intervals of a machine never overlap, so the last closed one is the closed one that starts
  // last: the (machine_id, start_ts) index finds it without a sort of the machine's whole history.
  // Times come as epoch ms, no timestamp text to parse.
  const rows = await queryPrepared<{
    id: number;
    job_id: string | null;
    last_ms: number | null;
    state: string | null;
    start_ms: number | null;
    prev_state: string | null;
  }>(
    tx,
    sql`select m.id, nullif(l.job_id, '') as job_id, (extract(epoch from l.last_ts) * 1000)::float8 as last_ms, o.state,
          (extract(epoch from o.start_ts) * 1000)::float8 as start_ms, p.state as prev_state
        from unnest(${pgArray(ids, "int4")}) as m(id)
        left join machine_live l on l.machine_id = m.id
        left join lateral (select state, start_ts from machine_state_intervals i
                           where i.machine_id = m.id and i.end_ts is null limit 1) o on true
        left join lateral (select state from machine_state_intervals i
                           where i.machine_id = m.id and i.end_ts is not null
                           order by i.start_ts desc, i.id desc limit 1) p on true`,
  );
  for (const r of rows) {
    const c = out.get(Number(r.id));
    if (!c) continue;
    c.lastTs = r.last_ms === null ? null : Number(r.last_ms);
    c.jobId = r.job_id;
    c.state = asState(r.state);
    c.stateSince = c.state === null || r.start_ms === null ? null : Number(r.start_ms);
    c.prevState = asState(r.prev_state);
  }
  // Counter baselines as plain rows: building a JSON aggregate per machine in the query above was 12%
  // of the server's CPU at a thousand machines a batch (perf), more than this second round trip.
  const counters = await queryPrepared<{
    id: number;
    p: string;
    r: string;
    v: number;
    t: number | null;
    x: number | null;
  }>(
    tx,
    sql`select c.machine_id as id, c.point_key as p, c.role as r, c.last_value as v,
          (extract(epoch from c.sample_ts) * 1000)::float8 as t, c.counter_max as x
        from unnest(${pgArray(ids, "int4")}) as m(id) join machine_counters c on c.machine_id = m.id`,
  );
  for (const k of counters) {
    const c = out.get(Number(k.id));
    const role = asRole(k.r);
    if (!c || !role) continue;
    const cc: CounterCarry = { role, last: Number(k.v) };
    if (k.t !== null && k.t !== undefined) cc.ts = Number(k.t);
    if (k.x !== null && k.x !== undefined) cc.max = Number(k.x);
    c.counters[k.p] = cc;
  }
  return out;
}
