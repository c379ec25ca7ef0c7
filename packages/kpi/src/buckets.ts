import type { MachineState } from "@weft/core";
import { spreadOverBuckets } from "./apportion.ts";
import { plannedTime, type TimeRange } from "./calendar.ts";
import { type Elements, elementsFromTotals, type PlannedSource, type QuantityDelta } from "./elements.ts";
import type { StateInterval } from "./state-intervals.ts";

/**
 * One rollup row: what one machine did in `[start, start + bucketMs)`. Seconds per state (running_s
 * includes microstop_s), quantities, and events counted in the bucket where they start. Field names are
 * the stored column names.
 */
export interface Bucket {
  start: number;
  running_s: number;
  setup_s: number;
  down_s: number;
  idle_s: number;
  offline_s: number;
  produced: number;
  good: number;
  scrap: number;
  rework: number;
  energy_kwh: number;
  /** Σ PRU × produced, seconds. */
  ideal_s: number;
  /** `down` intervals starting here. */
  failures: number;
  microstops: number;
  microstop_s: number;
}

/** The summed fields of a {@link Bucket} (all but `start`), in a fixed order. */
export const BUCKET_FIELDS = [
  "running_s",
  "setup_s",
  "down_s",
  "idle_s",
  "offline_s",
  "produced",
  "good",
  "scrap",
  "rework",
  "energy_kwh",
  "ideal_s",
  "microstops",
  "microstop_s",
  "failures",
] as const satisfies readonly Exclude<keyof Bucket, "start">[];

const STATE_FIELD: Record<MachineState, "running_s" | "setup_s" | "down_s" | "idle_s" | "offline_s"> = {
  running: "running_s",
  setup: "setup_s",
  down: "down_s",
  idle: "idle_s",
  offline: "offline_s",
};

export function emptyBucket(start: number): Bucket {
  return {
    start,
    running_s: 0,
    setup_s: 0,
    down_s: 0,
    idle_s: 0,
    offline_s: 0,
    produced: 0,
    good: 0,
    scrap: 0,
    rework: 0,
    energy_kwh: 0,
    ideal_s: 0,
    failures: 0,
    microstops: 0,
    microstop_s: 0,
  };
}

/** Start of the bucket holding `ts`, aligned to multiples of `bucketMs` since the epoch (UTC). */
export const bucketStart = (ts: number, bucketMs: number): number => Math.floor(ts / bucketMs) * bucketMs;

/**
 * Split intervals and quantities into aligned buckets (only buckets that got something are returned,
 * in start order). An interval crossing bucket edges is split exactly; a quantity lands in the bucket
 * holding its `ts`. With `range`, everything outside it is dropped (used when replaying late data).
 * @example
 * bucketize([{ start: 30_000, end: 90_000, state: "running" }], [], 60_000);
 * // [{ start: 0, running_s: 30, ... }, { start: 60_000, running_s: 30, ... }]
 */
export function bucketize(
  intervals: readonly StateInterval[],
  deltas: readonly QuantityDelta[],
  bucketMs: number,
  range?: TimeRange,
): Bucket[] {
  const lo = range?.start ?? Number.NEGATIVE_INFINITY;
  const hi = range?.end ?? Number.POSITIVE_INFINITY;
  const map = new Map<number, Bucket>();
  const get = (start: number): Bucket => {
    let b = map.get(start);
    if (!b) {
      b = emptyBucket(start);
      map.set(start, b);
    }
    return b;
  };
  for (const iv of intervals) {
    const s0 = Math.max(iv.start, lo);
    const e0 = Math.min(iv.end, hi);
    if (iv.start >= lo && iv.start < hi && iv.end > iv.start) {
      const b = get(bucketStart(iv.start, bucketMs));
      if (iv.state === "down") b.failures += 1;
      if (iv.microstop) b.microstops += 1;
    }
    for (let s = s0; s < e0; ) {
      const bs = bucketStart(s, bucketMs);
      const e = Math.min(e0, bs + bucketMs);
      const b = get(bs);
      b[STATE_FIELD[iv.state]] += (e - s) / 1000;
      if (iv.microstop) b.microstop_s += (e - s) / 1000;
      s = e;
    }
  }
  for (const whole of deltas) {
    for (const d of spreadOverBuckets(whole, bucketMs)) addDelta(d);
  }
  return [...map.values()].sort((a, b) => a.start - b.start);

  function addDelta(d: QuantityDelta): void {
    if (d.ts < lo || d.ts >= hi) return;
    const b = get(bucketStart(d.ts, bucketMs));
    b.produced += d.produced ?? 0;
    b.good += d.good ?? 0;
    b.scrap += d.scrap ?? 0;
    b.rework += d.rework ?? 0;
    b.energy_kwh += d.energyKwh ?? 0;
    b.ideal_s += d.idealS ?? 0;
  }
}

/** Field-wise sum of buckets (e.g. what a SQL `sum()` over rollup rows returns); `start` is the earliest. */
export function sumBuckets(buckets: readonly Bucket[]): Omit<Bucket, "start"> {
  const t = emptyBucket(0);
  for (const b of buckets) {
    for (const k of Object.keys(t) as (keyof Bucket)[]) if (k !== "start") t[k] += b[k];
  }
  const { start: _start, ...rest } = t;
  return rest;
}

/**
 * Field-wise sum of the rows whose bucket starts inside one of `windows` (e.g. the planned busy windows
 * of a calendar: minute-aligned, so minute rows fall wholly in or out). What the brain asks SQL for.
 */
export function sumBucketsIn(
  buckets: readonly Bucket[],
  windows: readonly TimeRange[],
): Omit<Bucket, "start"> {
  return sumBuckets(buckets.filter((b) => windows.some((w) => b.start >= w.start && b.start < w.end)));
}

/**
 * Elements from summed rollup rows. `elapsedS` is the range length times the number of machines in
 * scope (time with no bucket is unknown, reported as offline). `planned` is the calendar (or the summed
 * POT/PDOT of the machines); without it POT = elapsed and PDOT = 0. `inside`: the rows' sums over the
 * planned busy windows only (see {@link elementsFromTotals}); a calendar given here without `inside`
 * takes every row as inside.
 * @example
 * const e = elementsFromBuckets(sumBuckets(rows), { range, machines: 3, planned: { potS, pdotS } });
 */
export function elementsFromBuckets(
  totals: Omit<Bucket, "start">,
  opts: {
    range: TimeRange;
    machines?: number;
    planned?: PlannedSource;
    inside?: Omit<Bucket, "start">;
    calendarS?: number;
    defaultCalendarS?: number;
  },
): Elements {
  const machines = opts.machines ?? 1;
  const elapsedS = (Math.max(0, opts.range.end - opts.range.start) / 1000) * machines;
  let planned: { potS: number; pdotS: number } | null = null;
  if (opts.planned && "timeZone" in opts.planned) {
    // A calendar describes one machine; scale it to the scope.
    const p = plannedTime(opts.planned, opts.range);
    planned = { potS: p.potS * machines, pdotS: p.pdotS * machines };
  } else if (opts.planned) planned = opts.planned;
  return elementsFromTotals(totals, opts.inside ?? null, {
    elapsedS,
    planned,
    ...(opts.calendarS === undefined ? {} : { calendarS: opts.calendarS }),
    ...(opts.defaultCalendarS === undefined ? {} : { defaultCalendarS: opts.defaultCalendarS }),
  });
}
