import { sql } from "drizzle-orm";
import { pgArray } from "./internal/pg-array.ts";
import { queryRows, toDate } from "./internal/rows.ts";
import type { WeftExecutor } from "./types.ts";

/** A machine's state as of `ts` (from a `state` signal reading). */
export interface StateTransition {
  machineId: number;
  state: string;
  ts: number | Date;
}

export interface ApplyStateResult {
  opened: number;
  closed: number;
  /** Transitions older than the machine's open interval start: ignored (history is not rewritten). */
  late: number;
}

interface Open {
  state: string;
  startMs: number;
}
interface NewInterval {
  machineId: number;
  state: string;
  startMs: number;
  endMs: number | null;
}

/** First key of the two-int advisory locks that serialise state writers per machine. */
const STATE_LOCK = 0x5745_4654 & 0x7fff_ffff;

const ms = (t: number | Date) => (typeof t === "number" ? t : t.getTime());

/**
 * Plan interval changes from the open intervals and new transitions: a changed state closes the
 * open interval at the transition's ts and opens a new one; a repeated state changes nothing.
 * Pure; exported for tests.
 */
export function planStateChanges(
  open: ReadonlyMap<number, Open>,
  transitions: readonly StateTransition[],
): { closes: Array<{ machineId: number; endMs: number }>; inserts: NewInterval[]; late: number } {
  const sorted = [...transitions].sort((a, b) => a.machineId - b.machineId || ms(a.ts) - ms(b.ts));
  const current = new Map(open);
  const closes = new Map<number, number>();
  const pending = new Map<number, NewInterval>();
  const inserts: NewInterval[] = [];
  let late = 0;
  for (const t of sorted) {
    const tMs = ms(t.ts);
    const cur = current.get(t.machineId);
    if (cur && tMs < cur.startMs) {
      late++;
      continue;
    }
    if (cur && cur.state === t.state) continue;
    if (cur) {
      const p = pending.get(t.machineId);
      if (p) {
        p.endMs = tMs;
        inserts.push(p);
      } else closes.set(t.machineId, tMs);
    }
    const next: NewInterval = { machineId: t.machineId, state: t.state, startMs: tMs, endMs: null };
    pending.set(t.machineId, next);
    current.set(t.machineId, { state: t.state, startMs: tMs });
  }
  inserts.push(...pending.values());
  return { closes: [...closes].map(([machineId, endMs]) => ({ machineId, endMs })), inserts, late };
}

/**
 * Apply state transitions to `machine_state_intervals` (at most one open interval per machine,
 * enforced by a unique partial index). Runs in a transaction (a savepoint inside one).
 */
export async function applyStateTransitions(
  db: WeftExecutor,
  transitions: readonly StateTransition[],
): Promise<ApplyStateResult> {
  if (transitions.length === 0) return { opened: 0, closed: 0, late: 0 };
  const ids = [...new Set(transitions.map((t) => t.machineId))].sort((a, b) => a - b);
  return db.transaction(async (tx) => {
    // Serialise writers per machine (sorted ids → no deadlock), so none sees a stale open interval.
    await tx.execute(
      sql`select pg_advisory_xact_lock(${STATE_LOCK}, m) from unnest(${pgArray(ids, "int4")}) as m`,
    );
    const rows = await queryRows<{ machine_id: number; state: string; start_ts: unknown }>(
      tx,
      sql`select machine_id, state, start_ts from machine_state_intervals
          where end_ts is null and machine_id = any(${pgArray(ids, "int4")}) order by machine_id for update`,
    );
    const open = new Map(
      rows.map((r) => [r.machine_id, { state: r.state, startMs: toDate(r.start_ts).getTime() }]),
    );
    const plan = planStateChanges(open, transitions);
    if (plan.closes.length > 0) {
      await tx.execute(sql`
        update machine_state_intervals s set end_ts = to_timestamp(c.e / 1000.0)
        from unnest(${pgArray(
          plan.closes.map((c) => c.machineId),
          "int4",
        )}, ${pgArray(
          plan.closes.map((c) => c.endMs),
          "float8",
        )}) as c(m, e)
        where s.machine_id = c.m and s.end_ts is null`);
    }
    if (plan.inserts.length > 0) {
      const i = plan.inserts;
      await tx.execute(sql`
        insert into machine_state_intervals (machine_id, state, start_ts, end_ts)
        select m, st, to_timestamp(s / 1000.0), to_timestamp(e / 1000.0)
        from unnest(${pgArray(
          i.map((x) => x.machineId),
          "int4",
        )}, ${pgArray(
          i.map((x) => x.state),
          "text",
        )},
          ${pgArray(
            i.map((x) => x.startMs),
            "float8",
          )}, ${pgArray(
            i.map((x) => x.endMs),
            "float8",
          )}) as u(m, st, s, e)`);
    }
    const opened = plan.inserts.length;
    const closed = plan.closes.length + plan.inserts.filter((x) => x.endMs !== null).length;
    return { opened, closed, late: plan.late };
  });
}

/** Close the open interval of each machine at `endTs` (e.g. its last known timestamp when it went stale). */
export async function closeOpenIntervals(
  db: WeftExecutor,
  machineIds: readonly number[],
  endTs: number | Date,
): Promise<number> {
  if (machineIds.length === 0) return 0;
  const rows = await queryRows<{ id: unknown }>(
    db,
    sql`update machine_state_intervals set end_ts = greatest(start_ts, to_timestamp(${ms(endTs)}::float8 / 1000.0))
        where end_ts is null and machine_id = any(${pgArray([...machineIds], "int4")}) returning id`,
  );
  return rows.length;
}

export interface StateSpan {
  machineId: number;
  state: string;
  start: Date;
  end: Date;
}

/**
 * State intervals overlapping [from, to), clipped to the range. An open interval ends at the
 * machine's last known timestamp (`machine_live.last_ts`), never at "now".
 */
export async function stateSpans(
  db: WeftExecutor,
  machineIds: readonly number[],
  from: number | Date,
  to: number | Date,
): Promise<StateSpan[]> {
  if (machineIds.length === 0) return [];
  const f = new Date(from).toISOString();
  const t = new Date(to).toISOString();
  const rows = await queryRows<{ machine_id: number; state: string; s: unknown; e: unknown }>(
    db,
    sql`select * from (
          select i.machine_id, i.state, greatest(i.start_ts, ${f}::timestamptz) as s,
                 least(coalesce(i.end_ts, greatest(l.last_ts, i.start_ts), i.start_ts), ${t}::timestamptz) as e
          from machine_state_intervals i left join machine_live l on l.machine_id = i.machine_id
          where i.machine_id = any(${pgArray([...machineIds], "int4")})
            and i.start_ts < ${t}::timestamptz and (i.end_ts is null or i.end_ts > ${f}::timestamptz)
        ) x where e > s order by machine_id, s`,
  );
  return rows.map((r) => ({ machineId: r.machine_id, state: r.state, start: toDate(r.s), end: toDate(r.e) }));
}
