import type { SignalRole } from "@weft/core";
import { pgArray, queryRows, toDate, type WeftExecutor } from "@weft/db";
import { sql } from "drizzle-orm";
import { asRole, asState, msOf } from "./carry.ts";
import type { Carry, ReplayReading } from "./replay.ts";

/**
 * Late data: a batch older than a machine's newest applied reading replays the machine from the
 * minute it touches. The carry at that minute is rebuilt from raw readings, which have no
 * per-machine index (a btree on (machine_id, ts) doubled the server's insert cost), only BRIN on ts,
 * so a scan costs every machine's readings in its time window. Hence:
 * - one scan serves all late machines of a batch;
 * - the lookback is narrow first (15 minutes: enough for machines that report continuously) and
 *   widens to two days only for machines whose last reading, a known counter, (for machines
 *   that ever had jobs) the job, or (when the replayed readings change it) the ideal cycle time
 *   was not found in it.
 */
export const NARROW_LOOKBACK_MS = 15 * 60_000;
/** How far back the brain looks for the state in effect before a late reading. */
export const LOOKBACK_MS = 2 * 86_400_000;

export interface LateWindow {
  machine: { id: number; idealCycleS: number | null };
  /** Minute start the replay begins at. */
  from: number;
  /** The machine's current carry: its counter points tell whether a narrow lookback found them all. */
  current?: Carry;
  /**
   * The replayed readings change the ideal cycle time, so the machine's current one is not the one in
   * effect at `from`: look up the newest reported before it.
   */
  idealChanges?: boolean;
}

/** Newest facts before `from` per machine, from raw readings. */
interface Before {
  lastTs: Map<number, number | null>;
  counters: Map<number, Map<string, { role: string; value: number; ts: number }>>;
  job: Map<number, string | null>;
  idealCycleS: Map<number, number>;
}

/** `unnest(ids, from, lookback start)` of a set of late windows, plus constant bounds for pruning. */
function windowsSql(list: readonly LateWindow[], lookbackMs: number) {
  const ids = list.map((w) => w.machine.id);
  const minFrom = Math.min(...list.map((w) => w.from));
  const maxFrom = Math.max(...list.map((w) => w.from));
  return {
    ids,
    u: sql`unnest(${pgArray(ids, "int4")}, ${pgArray(
      list.map((w) => new Date(w.from).toISOString()),
      "text",
    )},
      ${pgArray(
        list.map((w) => new Date(w.from - lookbackMs).toISOString()),
        "text",
      )}) as u(id, f, lb)`,
    minFrom: new Date(minFrom).toISOString(),
    minLb: new Date(minFrom - lookbackMs).toISOString(),
    maxFrom: new Date(maxFrom).toISOString(),
  };
}

/** One pass of the three "newest before `from`" queries over `[from - lookbackMs, from)`. */
async function scanBefore(
  tx: WeftExecutor,
  list: readonly LateWindow[],
  lookbackMs: number,
): Promise<Before> {
  const w = windowsSql(list, lookbackMs);
  const inWindow = sql`r.machine_id = u.id and r.ts < u.f::timestamptz and r.ts >= u.lb::timestamptz
    where r.machine_id = any(${pgArray(w.ids, "int4")})
      and r.ts < ${w.maxFrom}::timestamptz and r.ts >= ${w.minLb}::timestamptz`;
  const lasts = await queryRows<{ id: number; ts: unknown }>(
    tx,
    sql`select r.machine_id as id, max(r.ts) as ts from readings r join ${w.u} on ${inWindow} group by r.machine_id`,
  );
  const counters = await queryRows<{
    id: number;
    point_key: string;
    signal: string;
    value_num: number;
    ts: unknown;
  }>(
    tx,
    sql`select distinct on (r.machine_id, r.point_key) r.machine_id as id, r.point_key, r.signal, r.value_num, r.ts
        from readings r join ${w.u} on ${inWindow}
          and r.signal in ('goodCount', 'rejectCount', 'totalCount', 'energyKwh') and r.value_num is not null
          and r.value_num >= 0 and r.quality < 2
        order by r.machine_id, r.point_key, r.ts desc`,
  );
  // The newest job and the newest valid (positive numeric) ideal cycle time.
  const marks = await queryRows<{
    id: number;
    signal: string;
    value_text: string | null;
    value_num: number | null;
  }>(
    tx,
    sql`select distinct on (r.machine_id, r.signal) r.machine_id as id, r.signal, r.value_text, r.value_num
        from readings r join ${w.u} on ${inWindow} and r.quality < 2
          and (r.signal = 'job' or (r.signal = 'idealCycleS' and r.value_num > 0))
        order by r.machine_id, r.signal, r.ts desc`,
  );
  const out: Before = { lastTs: new Map(), counters: new Map(), job: new Map(), idealCycleS: new Map() };
  for (const r of lasts) out.lastTs.set(Number(r.id), msOf(r.ts ?? null));
  for (const c of counters) {
    const id = Number(c.id);
    const m = out.counters.get(id) ?? new Map();
    m.set(c.point_key, { role: c.signal, value: Number(c.value_num), ts: toDate(c.ts).getTime() });
    out.counters.set(id, m);
  }
  for (const j of marks) {
    if (j.signal === "idealCycleS") {
      out.idealCycleS.set(Number(j.id), Number(j.value_num));
      continue;
    }
    const raw = j.value_text ?? (j.value_num === null ? null : String(j.value_num));
    out.job.set(Number(j.id), raw && raw.trim() !== "" ? raw.trim() : null);
  }
  return out;
}

/** Whether a narrow scan answered everything for a machine, so the wide one is not needed. */
function complete(b: Before, w: LateWindow, hadJobs: ReadonlySet<number>): boolean {
  const id = w.machine.id;
  if ((b.lastTs.get(id) ?? null) === null) return false;
  const found = b.counters.get(id);
  for (const point of Object.keys(w.current?.counters ?? {})) if (!found?.has(point)) return false;
  if (w.idealChanges && !b.idealCycleS.has(id)) return false;
  return b.job.has(id) || !hadJobs.has(id);
}

async function machinesWithJobs(tx: WeftExecutor, ids: readonly number[]): Promise<Set<number>> {
  const rows = await queryRows<{ id: number }>(
    tx,
    sql`select distinct machine_id as id from jobs where machine_id = any(${pgArray([...ids], "int4")})`,
  );
  return new Set(rows.map((r) => Number(r.id)));
}

/** The newest facts before each window's `from`: a narrow scan for all, a wide one where needed. */
async function factsBefore(tx: WeftExecutor, list: readonly LateWindow[]): Promise<Before> {
  const narrow = await scanBefore(tx, list, NARROW_LOOKBACK_MS);
  const hadJobs = await machinesWithJobs(
    tx,
    list.map((w) => w.machine.id),
  );
  const wide = list.filter((w) => !complete(narrow, w, hadJobs));
  if (wide.length === 0) return narrow;
  const more = await scanBefore(tx, wide, LOOKBACK_MS);
  for (const w of wide) {
    const id = w.machine.id;
    narrow.lastTs.set(id, more.lastTs.get(id) ?? null);
    narrow.counters.set(id, more.counters.get(id) ?? new Map());
    if (more.job.has(id)) narrow.job.set(id, more.job.get(id) ?? null);
    else narrow.job.delete(id);
    const ideal = more.idealCycleS.get(id);
    if (ideal !== undefined) narrow.idealCycleS.set(id, ideal);
    else narrow.idealCycleS.delete(id);
  }
  return narrow;
}

/**
 * Where a late replay's stored state intervals start being replaced: every interval at or after
 * `(startTs, id)` in (start_ts, id) order. The replay starts inside the carry's current interval
 * and rebuilds it and everything after; the interval before it (the carry's `prevState`, possibly a
 * zero-length one at the same instant) must survive, or the next batch loses it.
 */
export interface IntervalCut {
  startTs: number;
  id: number;
}

export interface LateStart {
  carry: Carry;
  replaceFrom: IntervalCut;
}

interface StoredInterval {
  id: number;
  state: string;
  start_ts: unknown;
}

/**
 * The last two state intervals starting before each window's `from` (newest first), in one query.
 * An offline gap that starts at the last reading before `from` was only known once later data came:
 * at `from` the full replay has not seen it yet, so it is skipped.
 */
async function intervalsBefore(
  tx: WeftExecutor,
  list: readonly LateWindow[],
  lastTs: ReadonlyMap<number, number | null>,
): Promise<Map<number, StoredInterval[]>> {
  const lastIso = list.map((w) => {
    const t = lastTs.get(w.machine.id) ?? null;
    return t === null ? null : new Date(t).toISOString();
  });
  const rows = await queryRows<StoredInterval & { machine_id: number }>(
    tx,
    sql`select u.id as machine_id, i.id, i.state, i.start_ts
        from unnest(${pgArray(
          list.map((w) => w.machine.id),
          "int4",
        )}, ${pgArray(
          list.map((w) => new Date(w.from).toISOString()),
          "text",
        )}, ${pgArray(lastIso, "text")}) as u(id, f, last)
        cross join lateral (
          select id, state, start_ts from machine_state_intervals i
          where i.machine_id = u.id and i.start_ts < u.f::timestamptz
            and not (i.state = 'offline' and u.last is not null and i.start_ts >= u.last::timestamptz)
          order by i.start_ts desc, i.id desc limit 2) i
        order by u.id, i.start_ts desc, i.id desc`,
  );
  const out = new Map<number, StoredInterval[]>();
  for (const r of rows) {
    const id = Number(r.machine_id);
    const ivs = out.get(id) ?? [];
    ivs.push(r);
    out.set(id, ivs);
  }
  return out;
}

/**
 * The carried state at each window's `from` (a minute start), rebuilt from stored raw readings and
 * state intervals, for replaying a window that late readings changed.
 */
export async function carriesAt(
  tx: WeftExecutor,
  list: readonly LateWindow[],
): Promise<Map<number, LateStart>> {
  const out = new Map<number, LateStart>();
  if (list.length === 0) return out;
  const before = await factsBefore(tx, list);
  const intervals = await intervalsBefore(tx, list, before.lastTs);
  for (const { machine, from, idealChanges, current } of list) {
    const lastTs = before.lastTs.get(machine.id) ?? null;
    const [cur, prev] = intervals.get(machine.id) ?? [];
    const curState = asState(cur?.state);
    const carry: Carry = {
      lastTs,
      state: curState === "offline" ? null : curState,
      stateSince: cur ? msOf(cur.start_ts) : null,
      prevState: asState(prev?.state),
      jobId: before.job.get(machine.id) ?? null,
      // Unless the replay changes it, the current ideal cycle time is the one in effect at `from`.
      // One reported more than two days before a change falls back to the current one (documented).
      idealCycleS: (idealChanges ? before.idealCycleS.get(machine.id) : undefined) ?? machine.idealCycleS,
      counters: {},
    };
    for (const [point, c] of before.counters.get(machine.id) ?? []) {
      const role = asRole(c.role);
      if (!role) continue;
      // The width is the point's, whenever it was declared: take it from the current carry.
      const max = current?.counters[point]?.max;
      carry.counters[point] =
        max === undefined ? { role, last: c.value, ts: c.ts } : { role, last: c.value, ts: c.ts, max };
    }
    // Without a current interval, offline gaps skipped above (from the last reading on) are rebuilt.
    const replaceFrom: IntervalCut =
      cur && carry.stateSince !== null
        ? { startTs: carry.stateSince, id: Number(cur.id) }
        : { startTs: Math.min(from, lastTs ?? from), id: 0 };
    out.set(machine.id, { carry, replaceFrom });
  }
  return out;
}

/** Stored readings of each window's machine from its `from` on, in one scan, keyed by machine id. */
export async function readingsSinceMany(
  tx: WeftExecutor,
  list: readonly LateWindow[],
): Promise<Map<number, ReplayReading[]>> {
  const out = new Map<number, ReplayReading[]>();
  for (const { machine } of list) out.set(machine.id, []);
  if (list.length === 0) return out;
  const w = windowsSql(list, 0);
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
        where r.machine_id = any(${pgArray(w.ids, "int4")}) and r.ts >= ${w.minFrom}::timestamptz
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
