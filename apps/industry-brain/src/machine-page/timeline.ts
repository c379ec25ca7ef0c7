import type { MachineState } from "@weft/core";

export interface TimelineSpan {
  start: number;
  end: number;
  state: MachineState;
}

/**
 * State intervals clipped to [from, to) and thinned for display: a span shorter than `minMs` (a
 * pixel of the chart) is absorbed into the span before it, so a month of microstops still draws
 * in a few thousand rectangles. The total time per state is what it was before thinning only for
 * spans of at least `minMs`; the loss waterfall reads the rollups, never this.
 */
export function timelineSpans(
  intervals: readonly { start: number; end: number | null; state: string }[],
  from: number,
  to: number,
  now: number,
  minMs: number,
): TimelineSpan[] {
  const out: TimelineSpan[] = [];
  for (const iv of intervals) {
    const start = Math.max(iv.start, from);
    const end = Math.min(iv.end ?? Math.min(now, to), to);
    if (end <= start) continue;
    const state = iv.state as MachineState;
    const last = out[out.length - 1];
    if (last && last.end === start && (last.state === state || end - start < minMs)) {
      last.end = end;
      continue;
    }
    if (last && last.end - last.start < minMs && last.end === start) {
      last.state = state;
      last.end = end;
      continue;
    }
    out.push({ start, end, state });
  }
  return out;
}

/** Bucket width for a numeric signal's chart: raw readings up to 6 h, then about 600 buckets. */
export function signalBucketMs(from: number, to: number): number | null {
  const span = to - from;
  if (span <= 6 * 3_600_000) return null;
  const steps = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 86_400_000];
  return steps.find((s) => span / s <= 800) ?? 86_400_000;
}
