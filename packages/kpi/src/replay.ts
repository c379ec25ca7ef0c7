import { type Bucket, bucketize, bucketStart } from "./buckets.ts";
import {
  advanceCounter,
  type CounterDeltaAt,
  type CounterOptions,
  type CounterReading,
  type CounterTracker,
  createCounterTracker,
} from "./counter.ts";
import {
  advanceMicrostops,
  confirmedOpen,
  createMicrostopTracker,
  type MicrostopTracker,
} from "./microstops.ts";
import { advanceState, createStateTracker, type StateReading, type StateTracker } from "./state-intervals.ts";

/**
 * How to repair one machine's rollups after late readings (readings older than the tracker's `lastTs`).
 * A late reading at `L` can change history back to `L − staleAfterMs` (it may split an offline gap that
 * began at the reading before it) plus one microstop threshold (a stop that began that much earlier may
 * become a microstop or stop being one). Hence:
 * - `rebuildFrom`: zero the state columns of rows with `start ≥ rebuildFrom` (bucket-aligned), and the
 *   quantity columns too when replaying counters;
 * - `replayFrom`: clip the replay here; it is before `rebuildFrom` when the live path had not yet emitted
 *   an open interval that began earlier (those seconds are added, never double counted);
 * - `stateReadingsBefore`: load stored state readings from the last one with `ts <` this;
 * - `counterSamplesBefore`: load stored counter samples from the last one with `ts <` this.
 */
export interface ReplayPlan {
  rebuildFrom: number;
  replayFrom: number;
  stateReadingsBefore: number;
  counterSamplesBefore: number;
}

/**
 * Plan a repair from the late timestamps and the machine's trackers AFTER the live step of this batch
 * (its buckets already added), so the replay adds exactly what the live path has not emitted yet.
 * @example
 * const plan = replayPlan(late.map((r) => r.ts), { state, microstops, bucketMs: 60_000 }); // null when nothing is late
 */
export function replayPlan(
  lateTs: readonly number[],
  ctx: { state: StateTracker; microstops: MicrostopTracker; bucketMs: number },
): ReplayPlan | null {
  if (lateTs.length === 0) return null;
  const threshold = ctx.microstops.thresholdMs;
  const rebuildFrom = bucketStart(Math.min(...lateTs) - ctx.state.staleAfterMs - threshold, ctx.bucketMs);
  const frontier = ctx.microstops.pending[0]?.start ?? ctx.state.openStart ?? rebuildFrom;
  const replayFrom = Math.min(rebuildFrom, frontier);
  return {
    rebuildFrom,
    replayFrom,
    stateReadingsBefore: replayFrom - threshold,
    counterSamplesBefore: rebuildFrom,
  };
}

/**
 * Replay stored state readings (from the one the plan names) merged with the late ones. Returns state
 * buckets clipped at `plan.replayFrom` (only state columns filled: `*_s`, `failures`, `microstops`) and
 * the trackers to store in place of the old ones. After zeroing state columns of rows ≥ `plan.rebuildFrom`,
 * **add** these buckets to the rows.
 */
export function replayStates(
  readings: readonly StateReading[],
  plan: ReplayPlan,
  opts: { staleAfterMs: number; microstopMs?: number; bucketMs: number },
): { buckets: Bucket[]; state: StateTracker; microstops: MicrostopTracker } {
  const s = advanceState(createStateTracker(opts), readings);
  const m = advanceMicrostops(createMicrostopTracker({ thresholdMs: opts.microstopMs }), s.closedIntervals, {
    open: confirmedOpen(s.next),
  });
  const range = { start: plan.replayFrom, end: Number.POSITIVE_INFINITY };
  return { buckets: bucketize(m.intervals, [], opts.bucketMs, range), state: s.next, microstops: m.next };
}

/**
 * Replay one counter from stored samples (the last one before `plan.counterSamplesBefore` onward) merged
 * with late ones. Returns the deltas booked at or after `plan.rebuildFrom` and the new tracker. Replay every
 * counter of the machine this way, map with `quantitiesFromCounter`, zero the quantity columns of rows
 * ≥ `rebuildFrom` and add the result.
 */
export function replayCounter(
  samples: readonly CounterReading[],
  options: CounterOptions,
  plan: Pick<ReplayPlan, "rebuildFrom">,
): { deltas: CounterDeltaAt[]; next: CounterTracker } {
  const r = advanceCounter(createCounterTracker(options), samples);
  return { deltas: r.deltas.filter((d) => d.ts >= plan.rebuildFrom), next: r.next };
}
