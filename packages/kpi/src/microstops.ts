import type { MachineState } from "@weft/core";
import { mergeAdjacent, type StateInterval, type StateTracker } from "./state-intervals.ts";

/** Default microstop threshold (kpi.md): 60 s. */
export const DEFAULT_MICROSTOP_MS = 60_000;

/**
 * Incremental microstop detection, JSON-safe. `pending` holds a stop (down/idle, contiguous) that
 * followed a running interval and is still shorter than the threshold: it is decided when the next
 * state is known, so the output lags the input by at most `thresholdMs`.
 */
export interface MicrostopTracker {
  thresholdMs: number;
  lastState: MachineState | null;
  lastEnd: number | null;
  pending: StateInterval[];
}

export function createMicrostopTracker(opts: { thresholdMs?: number } = {}): MicrostopTracker {
  return {
    thresholdMs: opts.thresholdMs ?? DEFAULT_MICROSTOP_MS,
    lastState: null,
    lastEnd: null,
    pending: [],
  };
}

const isStop = (s: MachineState): boolean => s === "down" || s === "idle";

/**
 * Feed closed intervals (time order) through microstop detection. A **microstop** is a run of
 * contiguous `down`/`idle` intervals, shorter in total than `thresholdMs`, directly between two
 * `running` intervals: it becomes one `running` interval marked `microstop: true` (a speed loss, not
 * down time). `setup` and `offline` are never microstops and break a run. Pass `open` (the state
 * tracker's open interval) so a stop followed by a still-open running interval is decided at once.
 * @example
 * const { intervals } = advanceMicrostops(createMicrostopTracker(), [
 *   { start: 0, end: 600_000, state: "running" },
 *   { start: 600_000, end: 620_000, state: "down" },
 *   { start: 620_000, end: 900_000, state: "running" },
 * ]);
 * // intervals[1] is { start: 600_000, end: 620_000, state: "running", microstop: true }
 */
export function advanceMicrostops(
  prev: MicrostopTracker,
  closed: readonly StateInterval[],
  opts: { open?: { state: MachineState; start: number } | null } = {},
): { intervals: StateInterval[]; next: MicrostopTracker } {
  const out: StateInterval[] = [];
  let pending = prev.pending.map((p) => ({ ...p }));
  let { lastState, lastEnd } = prev;
  const pendingEnd = (): number | null => pending[pending.length - 1]?.end ?? null;
  const pendingMs = (): number => pending.reduce((s, p) => s + (p.end - p.start), 0);
  const resolve = (asMicrostop: boolean): void => {
    const first = pending[0];
    const end = pendingEnd();
    if (asMicrostop && first && end !== null)
      out.push({ start: first.start, end, state: "running", microstop: true });
    else out.push(...pending);
    pending = [];
  };
  for (const iv of closed) {
    if (iv.end <= iv.start) continue;
    if (pending.length > 0) {
      const contiguous = pendingEnd() === iv.start;
      if (contiguous && isStop(iv.state) && pendingMs() + (iv.end - iv.start) < prev.thresholdMs) {
        pending.push({ ...iv });
        lastState = iv.state;
        lastEnd = iv.end;
        continue;
      }
      resolve(contiguous && iv.state === "running" && !iv.microstop);
    }
    const afterRun = lastState === "running" && lastEnd === iv.start;
    if (afterRun && isStop(iv.state) && iv.end - iv.start < prev.thresholdMs) pending.push({ ...iv });
    else out.push({ ...iv });
    lastState = iv.state;
    lastEnd = iv.end;
  }
  const open = opts.open;
  if (pending.length > 0 && open && open.start === pendingEnd()) {
    if (open.state === "running") resolve(true);
    else if (!isStop(open.state)) resolve(false);
  }
  return { intervals: out, next: { thresholdMs: prev.thresholdMs, lastState, lastEnd, pending } };
}

/**
 * Batch form: reclassify microstops in a complete, ordered interval list. A stop at the very end
 * (no running interval after it yet) stays as it is.
 */
export function applyMicrostops(
  intervals: readonly StateInterval[],
  opts: { thresholdMs?: number } = {},
): StateInterval[] {
  const { intervals: out, next } = advanceMicrostops(createMicrostopTracker(opts), intervals);
  return mergeAdjacent([...out, ...next.pending]);
}

/**
 * The open interval of a state tracker in the form {@link advanceMicrostops} takes, once a later reading
 * has confirmed it (`lastTs > openStart`): a reading at the same timestamp could still replace it.
 */
export function confirmedOpen(tracker: StateTracker): { state: MachineState; start: number } | null {
  const { state, openStart, lastTs } = tracker;
  if (state === null || openStart === null || lastTs === null || lastTs <= openStart) return null;
  return { state, start: openStart };
}
