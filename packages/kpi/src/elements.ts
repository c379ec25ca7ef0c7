import { plannedTime, type ShiftCalendar, type TimeRange } from "./calendar.ts";
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

/** Fill POT/PDOT/PBT and the derived sums from the state times; used by both entry points. */
export function completeElements(
  base: Omit<Elements, "pbtS" | "auptS" | "aubtS" | "aoetS" | "offlineS" | "potS" | "pdotS" | "calendarS">,
  planned: PlannedSource | undefined,
  range: TimeRange,
): Elements {
  let potS = base.elapsedS;
  let pdotS = 0;
  let calendarS = 0;
  if (planned) {
    const p = "timeZone" in planned ? plannedTime(planned, range) : planned;
    potS = p.potS;
    pdotS = p.pdotS;
    calendarS = base.elapsedS;
  }
  const known = base.aptS + base.austS + base.adetS + base.adotS;
  return {
    ...base,
    calendarS,
    potS,
    pdotS,
    pbtS: potS - pdotS,
    offlineS: Math.max(0, base.elapsedS - known),
    auptS: base.aptS + base.austS,
    aubtS: base.aptS + base.austS + base.adetS,
    aoetS: known,
  };
}

/**
 * Elements of one machine over `range` (`[start, end)`, epoch ms). Intervals are clipped to the range
 * (a range cutting an interval counts only the part inside); quantities count when `start ≤ ts < end`;
 * failures and microstops count where they start. Without `planned`, POT is the whole range and PDOT 0.
 * Apply {@link applyMicrostops} to the intervals first.
 * @example
 * elementsFromIntervals([{ start: 0, end: 3_600_000, state: "running" }], [{ ts: 10, produced: 100, good: 98, idealS: 3000 }], { start: 0, end: 7_200_000 });
 */
export function elementsFromIntervals(
  intervals: readonly StateInterval[],
  counts: readonly QuantityDelta[],
  range: TimeRange,
  planned?: PlannedSource,
): Elements {
  const e = emptyElements();
  e.elapsedS = Math.max(0, range.end - range.start) / 1000;
  for (const iv of intervals) {
    const s = Math.max(iv.start, range.start);
    const t = Math.min(iv.end, range.end);
    if (t <= s) continue;
    const sec = (t - s) / 1000;
    const startsInside = iv.start >= range.start && iv.start < range.end;
    switch (iv.state) {
      case "running":
        e.aptS += sec;
        if (iv.microstop) {
          e.microstopS += sec;
          if (startsInside) e.microstops += 1;
        }
        break;
      case "setup":
        e.austS += sec;
        break;
      case "down":
        e.adetS += sec;
        e.repairS += sec;
        if (startsInside) e.failures += 1;
        break;
      case "idle":
        e.adotS += sec;
        break;
      case "offline":
        break;
    }
  }
  for (const c of counts) {
    if (c.ts < range.start || c.ts >= range.end) continue;
    e.pq += c.produced ?? 0;
    e.gq += c.good ?? 0;
    e.sq += c.scrap ?? 0;
    e.rq += c.rework ?? 0;
    e.energyKwh += c.energyKwh ?? 0;
    e.idealS += c.idealS ?? 0;
  }
  return completeElements(e, planned, range);
}
