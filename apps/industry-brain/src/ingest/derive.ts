import {
  counterAnomaliesSql,
  counterStatesSql,
  type JobDelta as DbJobDelta,
  jobsSql,
  machineLiveSql,
  pgArray,
  queryPrepared,
  runWrites,
  type WeftExecutor,
} from "@weft/db";
import type { StateInterval } from "@weft/kpi";
import { type SQL, sql } from "drizzle-orm";
import { loadCarries, lockMachines } from "./carry.ts";
import { carriesAt, type IntervalCut, type LateStart, type LateWindow, readingsSinceMany } from "./late.ts";
import type { IngestMachine } from "./machines.ts";
import {
  type Carry,
  counterRoles,
  type ReplayOptions,
  type ReplayReading,
  type ReplayResult,
  replay,
  subtractBuckets,
  subtractJobs,
} from "./replay.ts";
import { rollupDeltaWrites } from "./rollup-write.ts";

export interface DeriveOptions {
  staleMs: number;
  microstopMs: number;
}

export interface DeriveStats {
  machines: number;
  lateMachines: number;
  minuteBuckets: number;
}

interface MachineOutcome {
  machine: IngestMachine;
  start: Carry;
  result: ReplayResult;
  /** Late path: stored intervals from this one on are replaced. */
  replaceIntervalsFrom: IntervalCut | null;
  buckets: ReplayResult["buckets"];
  jobs: ReplayResult["jobs"];
  /** Late path: counter anomalies from here on are recomputed (stored ones deleted first). */
  lateFrom?: number;
}

const MINUTE = 60_000;

/**
 * Update everything derived from raw readings for the machines of one batch, inside the batch's
 * transaction: minute/hour/day rollups, the job ledger, state intervals, counter baselines and live
 * state. In-order data continues from the stored carry; data older than a machine's newest applied
 * reading replays the machine from the minute it touches and applies the difference, so late and
 * out-of-order readings correct exactly the buckets they touch.
 */
export async function deriveBatch(
  tx: WeftExecutor,
  byMachine: ReadonlyMap<IngestMachine, ReplayReading[]>,
  opts: DeriveOptions,
  /** Further independent writes of the batch (its audit row), sent in the same statement. */
  alsoWrite: readonly SQL[] = [],
): Promise<DeriveStats> {
  const machines = [...byMachine.keys()].sort((a, b) => a.id - b.id);
  await lockMachines(
    tx,
    machines.map((m) => m.id),
  );
  const carries = await loadCarries(tx, machines);
  const outcomes: MachineOutcome[] = [];
  const base: Omit<ReplayOptions, "roles"> = {
    staleMs: opts.staleMs,
    microstopMs: opts.microstopMs,
    bucketMs: MINUTE,
  };
  const late: Array<LateWindow & { machine: IngestMachine; readings: ReplayReading[]; carry: Carry }> = [];
  for (const machine of machines) {
    const readings = byMachine.get(machine) ?? [];
    const carry = carries.get(machine.id);
    if (!carry || readings.length === 0) continue;
    let minTs = Number.POSITIVE_INFINITY;
    for (const r of readings) if (r.ts < minTs) minTs = r.ts;
    // Strictly newer only: a reading at the newest applied instant may sort before readings already
    // applied there (a job change precedes the counters of its instant), so it takes the late path.
    if (carry.lastTs === null || minTs > carry.lastTs) {
      const result = replay(carry, readings, { ...base, roles: counterRoles(carry, readings) });
      outcomes.push({
        machine,
        start: carry,
        result,
        replaceIntervalsFrom: null,
        buckets: result.buckets,
        jobs: result.jobs,
      });
      continue;
    }
    late.push({ machine, from: Math.floor(minTs / MINUTE) * MINUTE, readings, carry, current: carry });
  }
  if (late.length > 0) {
    // Late machines share each scan of raw readings (one query for all, not one per machine).
    const stored = await readingsSinceMany(tx, late);
    for (const l of late) l.idealChanges = (stored.get(l.machine.id) ?? []).some(isIdealCycle);
    const starts = await carriesAt(tx, late);
    for (const l of late) {
      const start = starts.get(l.machine.id);
      if (!start) continue;
      const o = replayLate(l.machine, l.readings, l.carry, start, stored.get(l.machine.id) ?? [], base);
      outcomes.push({ ...o, lateFrom: l.from });
    }
  }
  const lateMachines = late.length;
  await writeOutcomes(tx, outcomes, alsoWrite);
  return {
    machines: outcomes.length,
    lateMachines,
    minuteBuckets: outcomes.reduce((s, o) => s + o.buckets.length, 0),
  };
}

/** A reported ideal cycle time (any value: erring towards a lookup is only slower). */
const isIdealCycle = (r: ReplayReading): boolean => r.signal === "idealCycleS";

function replayLate(
  machine: IngestMachine,
  batch: readonly ReplayReading[],
  current: Carry,
  { carry: start, replaceFrom }: LateStart,
  after: readonly ReplayReading[],
  base: Omit<ReplayOptions, "roles">,
): MachineOutcome {
  // Stored readings do not carry the counter's width: the batch's and the machine's declared ones do.
  const widths = counterWidths(current, batch);
  const all = widths.size === 0 ? after : after.map((r) => withWidth(r, widths));
  const before = withoutBatch(all, batch);
  const roles = counterRoles(current, all);
  const opts = { ...base, roles };
  const a = replay(start, all, opts);
  const b = replay(start, before, opts);
  return {
    machine,
    start,
    result: a,
    replaceIntervalsFrom: replaceFrom,
    buckets: subtractBuckets(a.buckets, b.buckets),
    jobs: subtractJobs(a.jobs, b.jobs),
  };
}

/** Rollover value per counter point: the machine's stored ones, overridden by the batch's. */
function counterWidths(current: Carry, batch: readonly ReplayReading[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, c] of Object.entries(current.counters)) if (c.max !== undefined) out.set(k, c.max);
  for (const r of batch) if (r.counterMax !== undefined) out.set(r.pointKey, r.counterMax);
  return out;
}

function withWidth(r: ReplayReading, widths: ReadonlyMap<string, number>): ReplayReading {
  const max = widths.get(r.pointKey);
  return max === undefined || r.counterMax !== undefined ? r : { ...r, counterMax: max };
}

/** `all` minus one stored copy of each batch reading (multiset difference on point and ts). */
function withoutBatch(all: readonly ReplayReading[], batch: readonly ReplayReading[]): ReplayReading[] {
  const pending = new Map<string, number>();
  for (const r of batch) {
    const k = `${r.pointKey}\u0000${r.ts}`;
    pending.set(k, (pending.get(k) ?? 0) + 1);
  }
  const out: ReplayReading[] = [];
  for (const r of all) {
    const k = `${r.pointKey}\u0000${r.ts}`;
    const n = pending.get(k) ?? 0;
    if (n > 0) pending.set(k, n - 1);
    else out.push(r);
  }
  return out;
}

/**
 * Three statements: the state intervals being replaced are deleted first (a unique index allows one
 * open interval per machine), then every write — rollups, jobs, new intervals, counter baselines,
 * live state, ideal cycle times — goes in one statement of data-modifying CTEs, and last the
 * enterprise rollups (one day and one month row that all the enterprise's batches update).
 */
async function writeOutcomes(
  tx: WeftExecutor,
  outcomes: readonly MachineOutcome[],
  alsoWrite: readonly SQL[],
): Promise<void> {
  if (outcomes.length === 0) {
    await runWrites(tx, alsoWrite);
    return;
  }
  const rollups = rollupDeltaWrites(
    outcomes.map((o) => ({
      machineId: o.machine.id,
      enterpriseId: o.machine.enterpriseId,
      timeZone: o.machine.timeZone,
      buckets: o.buckets,
    })),
  );
  const jobs: DbJobDelta[] = [];
  for (const o of outcomes) {
    for (const [jobId, j] of o.jobs) jobs.push({ machineId: o.machine.id, jobId, ...j });
  }
  const counters = outcomes.flatMap((o) =>
    Object.entries(o.result.carry.counters)
      .filter(
        ([k, v]) =>
          o.start.counters[k]?.last !== v.last ||
          o.start.counters[k]?.max !== v.max ||
          o.replaceIntervalsFrom !== null,
      )
      .map(([pointKey, v]) => ({
        machineId: o.machine.id,
        pointKey,
        role: v.role,
        value: v.last,
        ts: o.result.carry.lastTs ?? 0,
        sampleTs: v.ts ?? null,
        max: v.max ?? null,
      })),
  );
  const anomalies = outcomes.flatMap((o) =>
    o.result.anomalies.map((a) => ({ machineId: o.machine.id, ...a })),
  );
  const live = outcomes.flatMap((o) => {
    const c = o.result.carry;
    if (c.lastTs === null) return [];
    return [
      {
        machineId: o.machine.id,
        lastTs: c.lastTs,
        ...(c.state !== null
          ? { state: c.state, stateTs: c.lastTs, stateSince: c.stateSince ?? c.lastTs }
          : {}),
        // The carry's job is the truth after this batch, a cleared one (null) included.
        jobId: c.jobId,
      },
    ];
  });
  const intervals = await deleteReplacedIntervals(tx, outcomes);
  await deleteReplayedAnomalies(tx, outcomes);
  await runWrites(
    tx,
    [
      ...(rollups?.statements ?? []),
      jobsSql(jobs),
      intervals,
      counterStatesSql(counters),
      counterAnomaliesSql(anomalies),
      machineLiveSql(live),
      idealCycleSql(outcomes),
      ...alsoWrite,
    ],
    rollups ? [rollups.source] : [],
  );
  // Last in the transaction: every batch of the enterprise updates these rows, so they stay locked
  // only from here to the commit.
  if (rollups) await runWrites(tx, rollups.enterprise);
}

/** A late replay finds the anomalies of its window again (or finds that late samples explain them). */
async function deleteReplayedAnomalies(tx: WeftExecutor, outcomes: readonly MachineOutcome[]): Promise<void> {
  const late = outcomes.filter((o) => o.lateFrom !== undefined);
  if (late.length === 0) return;
  await queryPrepared(
    tx,
    sql`delete from counter_anomalies a
        using unnest(${pgArray(
          late.map((o) => o.machine.id),
          "int4",
        )}, ${pgArray(
          late.map((o) => o.lateFrom ?? 0),
          "float8",
        )}) as u(id, f)
        where a.machine_id = u.id and a.ts >= to_timestamp(u.f / 1000.0)`,
  );
}

/** New ideal cycle times a batch reported (rare): an UPDATE of machines, or null. */
function idealCycleSql(outcomes: readonly MachineOutcome[]): SQL | null {
  const ideal = outcomes.filter(
    (o) => o.result.carry.idealCycleS !== o.machine.idealCycleS && o.result.carry.idealCycleS !== null,
  );
  if (ideal.length === 0) return null;
  return sql`update machines m set ideal_cycle_s = u.v
    from unnest(${pgArray(
      ideal.map((o) => o.machine.id),
      "int4",
    )}, ${pgArray(
      ideal.map((o) => o.result.carry.idealCycleS),
      "float8",
    )}) as u(id, v)
    where m.id = u.id`;
}

/**
 * State intervals: the open interval is replaced by the closed intervals the replay produced plus the
 * new open one; after late data, every interval from the replay's start is replaced. Deletes the
 * replaced intervals now and returns the insert of their replacements (null if none).
 */
async function deleteReplacedIntervals(
  tx: WeftExecutor,
  outcomes: readonly MachineOutcome[],
): Promise<SQL | null> {
  const changed = outcomes.filter(
    (o) =>
      o.replaceIntervalsFrom !== null ||
      o.result.intervals.length > 0 ||
      o.result.carry.state !== o.start.state ||
      o.result.carry.stateSince !== o.start.stateSince,
  );
  if (changed.length === 0) return null;
  // Open-only machines lose their open interval; late ones every interval from the cut on.
  await queryPrepared(
    tx,
    sql`delete from machine_state_intervals i
    using unnest(${pgArray(
      changed.map((o) => o.machine.id),
      "int4",
    )},
      ${pgArray(
        changed.map((o) => o.replaceIntervalsFrom?.startTs ?? null),
        "float8",
      )}, ${pgArray(
        changed.map((o) => o.replaceIntervalsFrom?.id ?? null),
        "int8",
      )}) as u(id, f, fid)
    where i.machine_id = u.id and (i.end_ts is null
      or (u.f is not null and (i.start_ts, i.id) >= (to_timestamp(u.f / 1000.0), u.fid)))`,
  );
  const rows: Array<{ m: number; s: string; a: number; b: number | null }> = [];
  for (const o of changed) {
    const ivs: StateInterval[] = o.result.intervals;
    for (const iv of ivs) rows.push({ m: o.machine.id, s: iv.state, a: iv.start, b: iv.end });
    const c = o.result.carry;
    if (c.state !== null && c.stateSince !== null)
      rows.push({ m: o.machine.id, s: c.state, a: c.stateSince, b: null });
  }
  if (rows.length === 0) return null;
  return sql`insert into machine_state_intervals (machine_id, state, start_ts, end_ts)
    select m, s, to_timestamp(a / 1000.0), to_timestamp(b / 1000.0)
    from unnest(${pgArray(
      rows.map((r) => r.m),
      "int4",
    )}, ${pgArray(
      rows.map((r) => r.s),
      "text",
    )},
      ${pgArray(
        rows.map((r) => r.a),
        "float8",
      )}, ${pgArray(
        rows.map((r) => r.b),
        "float8",
      )}) as u(m, s, a, b)`;
}
