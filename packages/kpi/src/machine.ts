import { COUNTER_ROLES, type CounterRole, MachineState } from "@weft/core";
import { type Bucket, bucketize } from "./buckets.ts";
import {
  advanceCounter,
  type CounterDeltaAt,
  type CounterOptions,
  type CounterReading,
  type CounterTracker,
  createCounterTracker,
} from "./counter.ts";
import type { QuantityDelta } from "./elements.ts";
import {
  advanceMicrostops,
  confirmedOpen,
  createMicrostopTracker,
  type MicrostopTracker,
} from "./microstops.ts";
import { quantitiesFromCounter } from "./quantities.ts";
import { type ReplayPlan, replayCounter, replayPlan } from "./replay.ts";
import {
  advanceState,
  createStateTracker,
  type StateReading,
  type StateTracker,
  sortReadings,
} from "./state-intervals.ts";

/** What the KPI math needs to know about one machine (from its device profile). */
export interface MachineKpiConfig {
  /** A state not re-sent within this many ms is stale: the gap becomes offline. */
  staleAfterMs: number;
  /** Microstop threshold, default 60 000 ms. */
  microstopMs?: number;
  /** Rollup bucket size, default 60 000 ms. */
  bucketMs?: number;
  /** Encoding of each counter the machine has; roles not listed are ignored. */
  counters: Partial<Record<CounterRole, CounterOptions>>;
  /** PRU (s/unit) used until an `idealCycleS` reading arrives. */
  idealCycleS?: number | null;
}

/** Everything the ingest path keeps per machine between batches; JSON-safe. */
export interface MachineTracker {
  state: StateTracker;
  microstops: MicrostopTracker;
  counters: Partial<Record<CounterRole, CounterTracker>>;
  idealCycleS: number | null;
  idealCycleTs: number | null;
}

/** One machine's readings of a batch, split by role (see {@link splitMachineReadings}). */
export interface MachineBatch {
  states: StateReading[];
  counters: Partial<Record<CounterRole, CounterReading[]>>;
  idealCycleS: { ts: number; value: number }[];
}

export interface AdvanceMachineResult {
  /** Rollup rows to ADD to the stored rows (several batches may touch the same minute). */
  buckets: Bucket[];
  next: MachineTracker;
  /**
   * Set when some readings were late. First add `buckets` and store `next` as usual, then run
   * {@link replayMachine} with stored readings loaded per the plan (the plan is relative to `next`).
   */
  replay: ReplayPlan | null;
  /** Counter samples that did not fit the counter's type (profile or wiring problem), ignored. */
  invalid: { role: CounterRole; ts: number }[];
}

export function createMachineTracker(cfg: MachineKpiConfig): MachineTracker {
  const counters: Partial<Record<CounterRole, CounterTracker>> = {};
  for (const role of COUNTER_ROLES) {
    const o = cfg.counters[role];
    if (o) counters[role] = createCounterTracker(o);
  }
  return {
    state: createStateTracker(cfg),
    microstops: createMicrostopTracker({ thresholdMs: cfg.microstopMs }),
    counters,
    idealCycleS: cfg.idealCycleS ?? null,
    idealCycleTs: null,
  };
}

/**
 * Split one machine's readings by signal role. Only `good` quality readings count (a bad state read
 * simply leaves a gap, which turns offline past the staleness limit); state values that are not a
 * machine state and non-numeric ideal cycles are dropped.
 */
export function splitMachineReadings(
  readings: readonly { ts: number; value: unknown; quality: string; signal?: string | undefined }[],
): MachineBatch {
  const batch: MachineBatch = { states: [], counters: {}, idealCycleS: [] };
  for (const r of readings) {
    if (r.quality !== "good" || r.signal === undefined) continue;
    if (r.signal === "state") {
      const s = MachineState.safeParse(r.value);
      if (s.success) batch.states.push({ ts: r.ts, state: s.data });
    } else if (r.signal === "idealCycleS") {
      if (typeof r.value === "number" && Number.isFinite(r.value) && r.value >= 0) {
        batch.idealCycleS.push({ ts: r.ts, value: r.value });
      }
    } else if ((COUNTER_ROLES as readonly string[]).includes(r.signal)) {
      const v = r.value;
      if (typeof v === "number" || typeof v === "string") {
        const role = r.signal as CounterRole;
        const list = batch.counters[role] ?? [];
        list.push({ ts: r.ts, value: v });
        batch.counters[role] = list;
      }
    }
  }
  return batch;
}

/** Counter deltas → quantities, with the PRU in effect at each delta's timestamp. */
function quantities(
  deltas: { role: CounterRole; d: CounterDeltaAt }[],
  pruReadings: { ts: number; value: number }[],
  pru0: { value: number | null; ts: number | null },
  roles: CounterRole[],
): { out: QuantityDelta[]; pru: { value: number | null; ts: number | null } } {
  const prus = sortReadings(pruReadings).filter((p) => pru0.ts === null || p.ts >= pru0.ts);
  let pru = { ...pru0 };
  let i = 0;
  const out: QuantityDelta[] = [];
  for (const { role, d } of [...deltas].sort((a, b) => a.d.ts - b.d.ts)) {
    for (let p = prus[i]; p && p.ts <= d.ts; p = prus[++i]) pru = { value: p.value, ts: p.ts };
    if (d.delta > 0) out.push(quantitiesFromCounter(role, d.ts, d.delta, { roles, idealCycleS: pru.value }));
  }
  for (let p = prus[i]; p; p = prus[++i]) pru = { value: p.value, ts: p.ts };
  return { out, pru };
}

/**
 * The ingest step for one machine and one batch: state intervals (closed ones only), microstops,
 * counter deltas with wrap/reset handling, quantities with the PRU in effect, and per-minute rollups.
 * @example
 * const cfg = { staleAfterMs: 30_000, counters: { totalCount: { type: "uint32" } }, idealCycleS: 0.5 };
 * let t = createMachineTracker(cfg);
 * const r = advanceMachine(t, splitMachineReadings(readingsOfThisMachine), cfg);
 * // add r.buckets to the stored rows, store r.next, and if r.replay: replayMachine(...)
 */
export function advanceMachine(
  prev: MachineTracker,
  batch: MachineBatch,
  cfg: MachineKpiConfig,
): AdvanceMachineResult {
  const bucketMs = cfg.bucketMs ?? 60_000;
  const st = advanceState(prev.state, batch.states);
  const ms = advanceMicrostops(prev.microstops, st.closedIntervals, { open: confirmedOpen(st.next) });
  const counters: Partial<Record<CounterRole, CounterTracker>> = { ...prev.counters };
  const deltas: { role: CounterRole; d: CounterDeltaAt }[] = [];
  const invalid: { role: CounterRole; ts: number }[] = [];
  const lateTs = st.late.map((r) => r.ts);
  const roles = COUNTER_ROLES.filter((r) => cfg.counters[r] !== undefined);
  for (const role of roles) {
    const tracker = counters[role];
    const samples = batch.counters[role];
    if (!tracker || !samples) continue;
    const r = advanceCounter(tracker, samples);
    counters[role] = r.next;
    lateTs.push(...r.late.map((x) => x.ts));
    for (const d of r.deltas) {
      if (d.kind === "invalid") invalid.push({ role, ts: d.ts });
      else deltas.push({ role, d });
    }
  }
  // A delta older than the last PRU change cannot be priced from the tracker: repair it by replay.
  const pruTs = prev.idealCycleTs;
  if (pruTs !== null) lateTs.push(...deltas.filter(({ d }) => d.ts < pruTs).map(({ d }) => d.ts));
  const q = quantities(deltas, batch.idealCycleS, { value: prev.idealCycleS, ts: prev.idealCycleTs }, roles);
  const next: MachineTracker = {
    state: st.next,
    microstops: ms.next,
    counters,
    idealCycleS: q.pru.value,
    idealCycleTs: q.pru.ts,
  };
  const replay = replayPlan(lateTs, { state: st.next, microstops: ms.next, bucketMs });
  return { buckets: bucketize(ms.intervals, q.out, bucketMs), next, replay, invalid };
}

/**
 * Repair after late readings. `stored` holds the machine's stored readings (late ones included) from the
 * boundaries in `plan`: state readings from the last one with `ts < plan.stateReadingsBefore`; for each
 * counter role and for `idealCycleS`, from the last one with `ts < plan.counterSamplesBefore`.
 * Then: zero ALL columns of rows with `start ≥ plan.rebuildFrom`, ADD the returned buckets, store `next`.
 * @example
 * if (r.replay) {
 *   const fix = replayMachine(loadStored(machine, r.replay), r.replay, cfg);
 *   // in one transaction: zero rows ≥ r.replay.rebuildFrom, add fix.buckets, store fix.next
 * }
 */
export function replayMachine(
  stored: MachineBatch,
  plan: ReplayPlan,
  cfg: MachineKpiConfig,
): { buckets: Bucket[]; next: MachineTracker } {
  const fresh = createMachineTracker(cfg);
  const st = advanceState(fresh.state, stored.states);
  const ms = advanceMicrostops(fresh.microstops, st.closedIntervals, { open: confirmedOpen(st.next) });
  const roles = COUNTER_ROLES.filter((r) => cfg.counters[r] !== undefined);
  const counters: Partial<Record<CounterRole, CounterTracker>> = { ...fresh.counters };
  const deltas: { role: CounterRole; d: CounterDeltaAt }[] = [];
  for (const role of roles) {
    const options = cfg.counters[role];
    const samples = stored.counters[role];
    if (!options || !samples) continue;
    const r = replayCounter(samples, options, plan);
    counters[role] = r.next;
    for (const d of r.deltas) if (d.kind !== "invalid") deltas.push({ role, d });
  }
  const q = quantities(deltas, stored.idealCycleS, { value: cfg.idealCycleS ?? null, ts: null }, roles);
  const range = { start: plan.replayFrom, end: Number.POSITIVE_INFINITY };
  return {
    buckets: bucketize(ms.intervals, q.out, cfg.bucketMs ?? 60_000, range),
    next: { state: st.next, microstops: ms.next, counters, idealCycleS: q.pru.value, idealCycleTs: q.pru.ts },
  };
}
