import { shareIn } from "./apportion.ts";
import { type Bucket, emptyBucket } from "./buckets.ts";
import { plannedBusyWindows, plannedTime, type ShiftCalendar, type TimeRange } from "./calendar.ts";
import type { StateInterval } from "./state-intervals.ts";

/**
 * ISO 22400-2 time and quantity elements of one scope and range. Durations in **seconds**, quantities in
 * units, energy in kWh. Every field is additive, so elements of machines, lines or sub-ranges are summed
 * with {@link addElements} and KPIs are computed once from the sum.
 */
export interface Elements {
  /** Wall time of the range, summed over machines. */
  elapsedS: number;
  /** Part of `elapsedS` whose POT/PDOT came from a shift calendar (the rest: POT = range, PDOT = 0). */
  calendarS: number;
  potS: number;
  pdotS: number;
  /** PBT = POT − PDOT. */
  pbtS: number;
  /** APT: `running`, including microstops. */
  aptS: number;
  /** AUST: `setup`. */
  austS: number;
  /** ADET: `down` (microstops excluded: they are in APT). */
  adetS: number;
  /** ADOT: `idle`. */
  adotS: number;
  /** Unknown time: `offline` intervals plus time covered by no interval. Never counted as down or idle. */
  offlineS: number;
  /** AUPT = APT + AUST. */
  auptS: number;
  /** AUBT = AUPT + ADET (busy: processing or delayed; idle excluded). */
  aubtS: number;
  /** AOET = APT + AUST + ADET + ADOT. */
  aoetS: number;
  /** Σ PRU × PQ: ideal time for what was produced. */
  idealS: number;
  pq: number;
  gq: number;
  sq: number;
  rq: number;
  /** Number of `down` intervals that start in the range. */
  failures: number;
  /** Time to repair: seconds of `down` (equals ADET; kept apart so a later repair model can differ). */
  repairS: number;
  /** Number of microstops that start in the range. */
  microstops: number;
  /** Seconds of microstops (already inside APT). */
  microstopS: number;
  energyKwh: number;
  /** Running time outside PBT (a break, no shift, a holiday): not APT, shown apart. */
  unplannedAptS: number;
  /** Units made outside PBT: counted in PQ/GQ and shown here too (their ideal time is not in E). */
  unplannedPq: number;
  unplannedGq: number;
  /** Part of `calendarS` planned by the built-in default calendar (no calendar was set). */
  defaultCalendarS: number;
}

/** Quantities booked at `ts` (epoch ms), e.g. one counter delta mapped by {@link quantitiesFromCounter}. */
export interface QuantityDelta {
  ts: number;
  produced?: number;
  good?: number;
  scrap?: number;
  rework?: number;
  energyKwh?: number;
  /** PRU × produced, seconds. */
  idealS?: number;
  /** The previous sample: the quantities were made evenly over `[from, ts)` (see {@link shareIn}). */
  from?: number;
}

export const ELEMENT_KEYS = [
  "elapsedS",
  "calendarS",
  "potS",
  "pdotS",
  "pbtS",
  "aptS",
  "austS",
  "adetS",
  "adotS",
  "offlineS",
  "auptS",
  "aubtS",
  "aoetS",
  "idealS",
  "pq",
  "gq",
  "sq",
  "rq",
  "failures",
  "repairS",
  "microstops",
  "microstopS",
  "energyKwh",
  "unplannedAptS",
  "unplannedPq",
  "unplannedGq",
  "defaultCalendarS",
] as const satisfies readonly (keyof Elements)[];

export function emptyElements(): Elements {
  const e = {} as Record<keyof Elements, number>;
  for (const k of ELEMENT_KEYS) e[k] = 0;
  return e;
}

/** Field-wise sum. */
export function addElements(a: Elements, b: Elements): Elements {
  const e = emptyElements();
  for (const k of ELEMENT_KEYS) e[k] = a[k] + b[k];
  return e;
}

/** Sum of a list; the empty list gives all zeros. */
export function sumElements(list: readonly Elements[]): Elements {
  return list.reduce(addElements, emptyElements());
}

/** Planned time of a range: from a calendar, or given directly (e.g. a brain-side planned schedule). */
export type PlannedSource = ShiftCalendar | { potS: number; pdotS: number };

/** Summed rollup columns (a {@link Bucket} without `start`). */
export type Totals = Omit<Bucket, "start">;

export interface PlanBasis {
  /** Machine-seconds of the range. */
  elapsedS: number;
  /** POT and PDOT (machine-seconds), or null: POT = elapsed, PDOT = 0. */
  planned: { potS: number; pdotS: number } | null;
  calendarS?: number;
  defaultCalendarS?: number;
}

/**
 * Elements from summed state times and quantities: `all` over the whole range, `inside` over the planned
 * busy windows only (null: no calendar windows, everything counts as inside). Actual times (APT, AUST,
 * ADET, ADOT), failures, microstops and the ideal time come from `inside`; PQ/GQ/SQ/RQ/kWh from `all`,
 * with the part made outside PBT reported in `unplanned*`.
 */
export function elementsFromTotals(all: Totals, inside: Totals | null, basis: PlanBasis): Elements {
  const i = inside ?? all;
  const potS = basis.planned ? basis.planned.potS : basis.elapsedS;
  const pdotS = basis.planned ? basis.planned.pdotS : 0;
  const pbtS = potS - pdotS;
  const known = i.running_s + i.setup_s + i.down_s + i.idle_s;
  return {
    elapsedS: basis.elapsedS,
    calendarS: basis.calendarS ?? (basis.planned ? basis.elapsedS : 0),
    potS,
    pdotS,
    pbtS,
    aptS: i.running_s,
    austS: i.setup_s,
    adetS: i.down_s,
    adotS: i.idle_s,
    offlineS: Math.max(0, (inside ? pbtS : basis.elapsedS) - known),
    auptS: i.running_s + i.setup_s,
    aubtS: i.running_s + i.setup_s + i.down_s,
    aoetS: known,
    idealS: i.ideal_s,
    pq: all.produced,
    gq: all.good,
    sq: all.scrap,
    rq: all.rework,
    failures: i.failures,
    repairS: i.down_s,
    microstops: i.microstops,
    microstopS: i.microstop_s,
    energyKwh: all.energy_kwh,
    unplannedAptS: inside ? all.running_s - i.running_s : 0,
    unplannedPq: inside ? all.produced - i.produced : 0,
    unplannedGq: inside ? all.good - i.good : 0,
    defaultCalendarS: basis.defaultCalendarS ?? 0,
  };
}

/** State seconds, events and quantity shares of intervals and deltas inside `windows` (sorted, disjoint). */
export function totalsIn(
  intervals: readonly StateInterval[],
  counts: readonly QuantityDelta[],
  windows: readonly TimeRange[],
): Totals {
  const { start: _s, ...t } = emptyBucket(0);
  for (const w of windows) {
    for (const iv of intervals) {
      const s = Math.max(iv.start, w.start);
      const e = Math.min(iv.end, w.end);
      const startsInside = iv.start >= w.start && iv.start < w.end && iv.end > iv.start;
      if (startsInside && iv.state === "down" && !iv.microstop) t.failures += 1;
      if (startsInside && iv.microstop) t.microstops += 1;
      if (e <= s) continue;
      const sec = (e - s) / 1000;
      if (iv.microstop) {
        t.running_s += sec;
        t.microstop_s += sec;
      } else t[STATE_FIELD[iv.state]] += sec;
    }
    for (const c of counts) {
      const f = shareIn(c, w);
      if (f === 0) continue;
      t.produced += (c.produced ?? 0) * f;
      t.good += (c.good ?? 0) * f;
      t.scrap += (c.scrap ?? 0) * f;
      t.rework += (c.rework ?? 0) * f;
      t.energy_kwh += (c.energyKwh ?? 0) * f;
      t.ideal_s += (c.idealS ?? 0) * f;
    }
  }
  return t;
}

const STATE_FIELD = {
  running: "running_s",
  setup: "setup_s",
  down: "down_s",
  idle: "idle_s",
  offline: "offline_s",
} as const;

/**
 * Elements of one machine over `range` (`[start, end)`, epoch ms). Intervals are clipped to the range
 * (a range cutting an interval counts only the part inside); a quantity delta counts by its share of
 * time in the range ({@link shareIn}); failures and microstops count where they start. With a calendar,
 * only time inside its planned busy windows is APT/AUST/ADET/ADOT (see {@link elementsFromTotals});
 * without `planned`, POT is the whole range and PDOT 0. Apply {@link applyMicrostops} to the intervals first.
 * @example
 * elementsFromIntervals([{ start: 0, end: 3_600_000, state: "running" }], [{ ts: 10, produced: 100, good: 98, idealS: 3000 }], { start: 0, end: 7_200_000 });
 */
export function elementsFromIntervals(
  intervals: readonly StateInterval[],
  counts: readonly QuantityDelta[],
  range: TimeRange,
  planned?: PlannedSource,
): Elements {
  const elapsedS = Math.max(0, range.end - range.start) / 1000;
  const all = totalsIn(intervals, counts, [range]);
  if (!planned) return elementsFromTotals(all, null, { elapsedS, planned: null });
  if (!("timeZone" in planned)) return elementsFromTotals(all, null, { elapsedS, planned });
  const inside = totalsIn(intervals, counts, plannedBusyWindows(planned, range));
  return elementsFromTotals(all, inside, { elapsedS, planned: plannedTime(planned, range) });
}
