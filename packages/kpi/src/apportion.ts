import type { TimeRange } from "./calendar.ts";
import type { QuantityDelta } from "./elements.ts";

/**
 * A counter delta is revealed at the sample `ts`, but the units were made between the previous sample
 * (`from`) and `ts`. Edges rule: the delta is spread evenly over `[from, ts)`, so a range edge between
 * two samples gets each side its share by time. Without `from` (or `from ≥ ts`) it sits at `ts`.
 * Returns the share (0…1) of `d` inside `[range.start, range.end)`.
 * @example shareIn({ ts: 60_000, from: 0, produced: 150 }, { start: 30_000, end: 90_000 }); // 0.5
 */
export function shareIn(d: QuantityDelta, range: TimeRange): number {
  const from = d.from;
  if (from === undefined || from >= d.ts) return d.ts >= range.start && d.ts < range.end ? 1 : 0;
  const a = Math.max(from, range.start);
  const b = Math.min(d.ts, range.end);
  return b > a ? (b - a) / (d.ts - from) : 0;
}

/** `d` scaled by `f` (quantities only; `from` dropped, `ts` kept). */
export function scaleDelta(d: QuantityDelta, f: number, ts: number = d.ts): QuantityDelta {
  const q: QuantityDelta = { ts };
  if (d.produced !== undefined) q.produced = d.produced * f;
  if (d.good !== undefined) q.good = d.good * f;
  if (d.scrap !== undefined) q.scrap = d.scrap * f;
  if (d.rework !== undefined) q.rework = d.rework * f;
  if (d.energyKwh !== undefined) q.energyKwh = d.energyKwh * f;
  if (d.idealS !== undefined) q.idealS = d.idealS * f;
  return q;
}

/**
 * Split a delta at bucket edges: one piece per bucket that `[from, ts)` touches, each at its bucket's
 * start, in proportion to time. The pieces sum to the delta (the last one takes the rounding rest).
 * @example spreadOverBuckets({ ts: 90_000, from: 30_000, produced: 2 }, 60_000); // 1 at 0, 1 at 60 000
 */
export function spreadOverBuckets(d: QuantityDelta, bucketMs: number): QuantityDelta[] {
  const from = d.from;
  if (from === undefined || from >= d.ts) return [d];
  const first = Math.floor(from / bucketMs) * bucketMs;
  const last = Math.floor((d.ts - 1) / bucketMs) * bucketMs;
  if (first === last) return [scaleDelta(d, 1, first)];
  const out: QuantityDelta[] = [];
  const span = d.ts - from;
  for (let b = first; b <= last; b += bucketMs) {
    const a = Math.max(from, b);
    const e = Math.min(d.ts, b + bucketMs);
    if (e > a) out.push(scaleDelta(d, (e - a) / span, b));
  }
  // Exact sum: the last piece gets the delta minus the others.
  const tail = out[out.length - 1];
  if (tail) {
    for (const k of ["produced", "good", "scrap", "rework", "energyKwh", "idealS"] as const) {
      const total = d[k];
      if (total === undefined) continue;
      let rest = total;
      for (const p of out.slice(0, -1)) rest -= p[k] ?? 0;
      tail[k] = rest;
    }
  }
  return out;
}
