import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "./internal/pg-array.ts";
import { queryRows, toDate } from "./internal/rows.ts";
import type { WeftExecutor } from "./types.ts";

const ms = (t: number | Date | null | undefined) =>
  t == null ? null : typeof t === "number" ? t : t.getTime();

/** What a batch tells about a machine now. Omitted state/job mean "no news". */
export interface MachineLiveUpdate {
  machineId: number;
  /** Newest reading timestamp in the batch. */
  lastTs: number | Date;
  state?: string;
  /** Timestamp of the state reading (required with `state`). */
  stateTs?: number | Date;
  /** Since when the machine is in `state` (default: kept when unchanged, else `stateTs`). */
  stateSince?: number | Date;
  /** The job now running; null: none (a cleared job id), stored as ''. Omitted: no news. */
  jobId?: string | null;
}

/**
 * Upsert `machine_live`, only ever moving forward: last_ts takes the max, state/job change only
 * when the update is newer than what is stored. last_seen_at becomes now().
 */
export async function upsertMachineLive(db: WeftExecutor, rows: readonly MachineLiveUpdate[]): Promise<void> {
  const statement = machineLiveSql(rows);
  if (statement) await db.execute(statement);
}

/** The statement {@link upsertMachineLive} runs (null when there is nothing to write), to combine with others. */
export function machineLiveSql(rows: readonly MachineLiveUpdate[]): SQL | null {
  if (rows.length === 0) return null;
  const byMachine = new Map<number, MachineLiveUpdate>();
  for (const r of rows) {
    const prev = byMachine.get(r.machineId);
    if (!prev) byMachine.set(r.machineId, { ...r });
    else {
      if ((ms(r.lastTs) ?? 0) > (ms(prev.lastTs) ?? 0)) prev.lastTs = r.lastTs;
      if (r.state !== undefined && (ms(r.stateTs) ?? 0) >= (ms(prev.stateTs) ?? -1)) {
        prev.state = r.state;
        prev.stateTs = r.stateTs ?? r.lastTs;
        if (r.stateSince !== undefined) prev.stateSince = r.stateSince;
      }
      if (r.jobId !== undefined) prev.jobId = r.jobId;
    }
  }
  const u = [...byMachine.values()].sort((a, b) => a.machineId - b.machineId);
  return sql`
    insert into machine_live as l (machine_id, last_ts, state, state_ts, state_since, job_id, last_seen_at)
    select m, to_timestamp(lt / 1000.0), st, to_timestamp(sts / 1000.0), to_timestamp(coalesce(ss, sts) / 1000.0), j, now()
    from unnest(${pgArray(
      u.map((r) => r.machineId),
      "int4",
    )}, ${pgArray(
      u.map((r) => ms(r.lastTs)),
      "float8",
    )},
      ${pgArray(
        u.map((r) => r.state ?? null),
        "text",
      )},
      ${pgArray(
        u.map((r) => (r.state === undefined ? null : (ms(r.stateTs) ?? ms(r.lastTs)))),
        "float8",
      )},
      ${pgArray(
        u.map((r) => ms(r.stateSince)),
        "float8",
      )}, ${pgArray(
        // '' records "no job" (so a clear is stored); SQL null means no news and keeps the old one.
        u.map((r) => (r.jobId === undefined ? null : (r.jobId ?? ""))),
        "text",
      )})
      as x(m, lt, st, sts, ss, j)
    on conflict (machine_id) do update set
      last_seen_at = now(),
      last_ts = greatest(l.last_ts, excluded.last_ts),
      job_id = case when excluded.job_id is not null and excluded.last_ts >= l.last_ts then excluded.job_id else l.job_id end,
      state_since = case
        when excluded.state is null or (l.state_ts is not null and excluded.state_ts < l.state_ts) then l.state_since
        when excluded.state is not distinct from l.state then coalesce(l.state_since, excluded.state_since)
        else excluded.state_since end,
      state = case when excluded.state is not null and (l.state_ts is null or excluded.state_ts >= l.state_ts)
        then excluded.state else l.state end,
      state_ts = case when excluded.state is not null and (l.state_ts is null or excluded.state_ts >= l.state_ts)
        then excluded.state_ts else l.state_ts end`;
}

export interface CounterState {
  machineId: number;
  pointKey: string;
  role: string;
  lastValue: number;
  lastTs: Date;
}

/** Last raw counter values for machines (to compute deltas across batches). */
export async function getCounterStates(
  db: WeftExecutor,
  machineIds: readonly number[],
): Promise<CounterState[]> {
  if (machineIds.length === 0) return [];
  const rows = await queryRows<{
    machine_id: number;
    point_key: string;
    role: string;
    last_value: number;
    last_ts: unknown;
  }>(
    db,
    sql`select machine_id, point_key, role, last_value, last_ts from machine_counters
        where machine_id = any(${pgArray([...new Set(machineIds)], "int4")})`,
  );
  return rows.map((r) => ({
    machineId: r.machine_id,
    pointKey: r.point_key,
    role: r.role,
    lastValue: Number(r.last_value),
    lastTs: toDate(r.last_ts),
  }));
}

/** A raw counter value to remember as the baseline of the next delta. */
export interface CounterStateUpdate {
  machineId: number;
  pointKey: string;
  role: string;
  value: number;
  ts: number | Date;
  /** When the value was sampled (default `ts`). */
  sampleTs?: number | null;
  /** Rollover value of the counter (null/absent: the default width). */
  max?: number | null;
}

/** Store the newest raw counter values; an older value never overwrites a newer one. */
export async function upsertCounterStates(
  db: WeftExecutor,
  rows: ReadonlyArray<CounterStateUpdate>,
): Promise<void> {
  const statement = counterStatesSql(rows);
  if (statement) await db.execute(statement);
}

/** The statement {@link upsertCounterStates} runs (null when there is nothing to write), to combine with others. */
export function counterStatesSql(rows: ReadonlyArray<CounterStateUpdate>): SQL | null {
  const newest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    const k = `${r.machineId}\u0000${r.pointKey}`;
    const p = newest.get(k);
    if (!p || (ms(r.ts) ?? 0) >= (ms(p.ts) ?? 0)) newest.set(k, r);
  }
  const u = [...newest.values()].sort(
    (a, b) => a.machineId - b.machineId || (a.pointKey < b.pointKey ? -1 : 1),
  );
  if (u.length === 0) return null;
  return sql`
    insert into machine_counters as c (machine_id, point_key, role, last_value, last_ts, sample_ts, counter_max)
    select m, p, r, v, to_timestamp(t / 1000.0), to_timestamp(st / 1000.0), mx
    from unnest(${pgArray(
      u.map((x) => x.machineId),
      "int4",
    )}, ${pgArray(
      u.map((x) => x.pointKey),
      "text",
    )},
      ${pgArray(
        u.map((x) => x.role),
        "text",
      )}, ${pgArray(
        u.map((x) => x.value),
        "float8",
      )},
      ${pgArray(
        u.map((x) => ms(x.ts)),
        "float8",
      )}, ${pgArray(
        u.map((x) => x.sampleTs ?? ms(x.ts)),
        "float8",
      )}, ${pgArray(
        u.map((x) => x.max ?? null),
        "float8",
      )}) as x(m, p, r, v, t, st, mx)
    on conflict (machine_id, point_key) do update set role = excluded.role, last_value = excluded.last_value,
      last_ts = excluded.last_ts, sample_ts = excluded.sample_ts,
      counter_max = coalesce(excluded.counter_max, c.counter_max)
      where excluded.last_ts >= c.last_ts`;
}

/** A counter jump not counted as production (see `counter_anomalies`). */
export interface CounterAnomalyRow {
  machineId: number;
  pointKey: string;
  role: string;
  ts: number;
  prevTs: number | null;
  prevValue: number;
  value: number;
  delta: number;
  kind: string;
  maxUnits: number;
}

/** Insert counter anomalies; one found again by a replay is kept once (null when there are none). */
export function counterAnomaliesSql(rows: ReadonlyArray<CounterAnomalyRow>): SQL | null {
  if (rows.length === 0) return null;
  const col = <K extends keyof CounterAnomalyRow>(k: K) => rows.map((r) => r[k]);
  return sql`
    insert into counter_anomalies (machine_id, point_key, role, ts, prev_ts, prev_value, value, delta, kind, max_units)
    select m, p, r, to_timestamp(t / 1000.0), to_timestamp(pt / 1000.0), pv, v, d, k, mu
    from unnest(${pgArray(col("machineId"), "int4")}, ${pgArray(col("pointKey"), "text")},
      ${pgArray(col("role"), "text")}, ${pgArray(col("ts"), "float8")}, ${pgArray(col("prevTs"), "float8")},
      ${pgArray(col("prevValue"), "float8")}, ${pgArray(col("value"), "float8")}, ${pgArray(col("delta"), "float8")},
      ${pgArray(col("kind"), "text")}, ${pgArray(col("maxUnits"), "float8")}) as x(m, p, r, t, pt, pv, v, d, k, mu)
    on conflict (machine_id, point_key, ts) do nothing`;
}
