import type { MachineState } from "@weft/core";

/** A machine state as read at `ts` (epoch ms). */
export interface StateReading {
  ts: number;
  state: MachineState;
}

/**
 * A machine state held over the half-open span `[start, end)` (epoch ms).
 * `microstop` marks a short stop that {@link applyMicrostops} turned into running time.
 */
export interface StateInterval {
  start: number;
  end: number;
  state: MachineState;
  microstop?: boolean;
}

/**
 * Incremental state of one machine, JSON-safe so the brain can store it between batches.
 * `state`/`openStart` describe the interval still open; `lastTs` is the newest applied reading.
 */
export interface StateTracker {
  staleAfterMs: number;
  state: MachineState | null;
  openStart: number | null;
  lastTs: number | null;
}

export interface AdvanceStateResult {
  /** Intervals that can no longer change, in time order, never overlapping. */
  closedIntervals: StateInterval[];
  next: StateTracker;
  /**
   * Readings older than `prev.lastTs`, not applied. The caller must replay the stored readings around
   * them (see the package README, "Late readings") and rebuild the buckets they touch.
   */
  late: StateReading[];
}

/** A fresh tracker for a machine that has sent nothing yet. */
export function createStateTracker(opts: { staleAfterMs: number }): StateTracker {
  return { staleAfterMs: opts.staleAfterMs, state: null, openStart: null, lastTs: null };
}

/** Stable sort by timestamp: readings with the same `ts` keep arrival order, so the last one wins. */
export function sortReadings<T extends { ts: number }>(readings: readonly T[]): T[] {
  return readings
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.ts - b.r.ts || a.i - b.i)
    .map((x) => x.r);
}

/**
 * Apply a batch of state readings to a tracker. Rules:
 * - readings are sorted by `ts` (same `ts`: the later one in the batch wins);
 * - a reading's state holds until the next reading; when the next one is more than `staleAfterMs` later,
 *   the state is closed at the last known timestamp and the gap is `offline`;
 * - readings with `ts < prev.lastTs` are returned in `late` and not applied; `ts === prev.lastTs` is applied.
 * @example
 * let t = createStateTracker({ staleAfterMs: 30_000 });
 * const r = advanceState(t, [{ ts: 0, state: "running" }, { ts: 10_000, state: "down" }]);
 * r.closedIntervals; // [{ start: 0, end: 10_000, state: "running" }]
 * t = r.next; // open: down since 10_000
 */
export function advanceState(prev: StateTracker, newReadings: readonly StateReading[]): AdvanceStateResult {
  const late: StateReading[] = [];
  const closed: StateInterval[] = [];
  let { state, openStart, lastTs } = prev;
  const stale = prev.staleAfterMs;
  const close = (at: number): void => {
    if (state !== null && openStart !== null && at > openStart)
      closed.push({ start: openStart, end: at, state });
  };
  for (const r of sortReadings(newReadings)) {
    if (state === null || openStart === null || lastTs === null) {
      state = r.state;
      openStart = r.ts;
      lastTs = r.ts;
      continue;
    }
    if (r.ts < lastTs) {
      late.push(r);
      continue;
    }
    if (r.ts - lastTs > stale && state !== "offline") {
      close(lastTs);
      state = "offline";
      openStart = lastTs;
    }
    if (r.state !== state) {
      close(r.ts);
      state = r.state;
      openStart = r.ts;
    }
    lastTs = r.ts;
  }
  return { closedIntervals: closed, next: { staleAfterMs: stale, state, openStart, lastTs }, late };
}

/**
 * The still-open part of a tracker seen at `until` (ms), for live views; not final, do not store.
 * Within the staleness limit the open state extends to `until`; past it, the state ends at `lastTs`
 * and the rest is `offline`.
 */
export function openIntervals(tracker: StateTracker, until: number): StateInterval[] {
  const { state, openStart, lastTs, staleAfterMs } = tracker;
  if (state === null || openStart === null || lastTs === null) return [];
  const out: StateInterval[] = [];
  const push = (start: number, end: number, s: MachineState): void => {
    if (end <= start) return;
    const last = out[out.length - 1];
    if (last && last.state === s && last.end === start) last.end = end;
    else out.push({ start, end, state: s });
  };
  if (until - lastTs > staleAfterMs) {
    push(openStart, lastTs, state);
    push(Math.max(openStart, lastTs), until, "offline");
  } else {
    push(openStart, Math.max(until, lastTs), state);
  }
  return out;
}

/**
 * Ordered, non-overlapping intervals from a set of state readings (any order).
 * Without `until` the last interval is closed at the last reading's timestamp; with `until` it
 * extends to `until` (or becomes `offline` past the staleness limit). Readings at or after `until` are ignored.
 * @example
 * stateIntervals([{ ts: 0, state: "running" }, { ts: 120_000, state: "idle" }], { staleAfterMs: 60_000, until: 180_000 });
 * // the 120 s gap exceeds the limit, so running is closed at 0 (empty) and the gap is offline:
 * // [{ start: 0, end: 120_000, state: "offline" }, { start: 120_000, end: 180_000, state: "idle" }]
 */
export function stateIntervals(
  readings: readonly StateReading[],
  opts: { staleAfterMs: number; until?: number },
): StateInterval[] {
  const { until } = opts;
  const kept = until === undefined ? readings : readings.filter((r) => r.ts < until);
  const { closedIntervals, next } = advanceState(createStateTracker(opts), kept);
  const end = until ?? next.lastTs ?? 0;
  return mergeAdjacent([...closedIntervals, ...openIntervals(next, end)]);
}

/** Merge touching intervals of the same state (and the same microstop mark). */
export function mergeAdjacent(intervals: readonly StateInterval[]): StateInterval[] {
  const out: StateInterval[] = [];
  for (const iv of intervals) {
    const last = out[out.length - 1];
    if (last && last.end === iv.start && last.state === iv.state && !!last.microstop === !!iv.microstop) {
      last.end = iv.end;
    } else out.push({ ...iv });
  }
  return out;
}
