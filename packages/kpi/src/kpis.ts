import type { Elements } from "./elements.ts";

/** Conditions a reader must see next to the numbers. */
export type KpiFlag =
  /** E > 1: the ideal cycle time is set too slow; reported uncapped. */
  | "effectiveness_above_1"
  /** GQ > PQ (Q > 1): counters are wired wrong. */
  | "good_exceeds_produced"
  /** SQ > PQ or RQ > PQ: counters are wired wrong. */
  | "scrap_exceeds_produced"
  /** APT > PBT: the machine ran outside planned busy time (or the calendar is wrong). */
  | "availability_above_1"
  /** Units were produced but no ideal cycle time (PRU) is known, so E and OEE are null. */
  | "ideal_cycle_missing"
  /** Part of the range had no data (offline/unknown), reported in `offlineS`, not as down or idle. */
  | "offline_time";

/** `default`: planned time from the built-in default calendar only (none was set). */
export type CalendarUse = "calendar" | "default" | "none" | "partial";

export interface Kpis {
  /** A = APT / PBT */
  availability: number | null;
  /** E = PRU × PQ / APT */
  effectiveness: number | null;
  /** Q = GQ / PQ */
  quality: number | null;
  /** OEE = A × E × Q */
  oee: number | null;
  /** NEE = AUPT / PBT × E × Q */
  nee: number | null;
  /** APT / AUBT */
  utilizationEfficiency: number | null;
  /** APT / (APT + ADET) */
  technicalEfficiency: number | null;
  /** AUST / AUPT */
  setupRate: number | null;
  /** PQ / AOET, in units per hour. */
  throughputPerHour: number | null;
  /** SQ / PQ */
  scrapRatio: number | null;
  /** RQ / PQ */
  reworkRatio: number | null;
  /** Σ time between failures (APT) / failures, seconds. */
  mtbfS: number | null;
  /** Σ time to repair / failures, seconds. */
  mttrS: number | null;
  /** 开机率 = running time (APT and running outside PBT) / elapsed time. */
  runningRate: number | null;
  /** kWh / GQ */
  energyPerUnitKwh: number | null;
  flags: KpiFlag[];
  /** Where POT/PDOT came from; `none` means POT = whole range and PDOT = 0. */
  calendar: CalendarUse;
  /** Plain-language note on the calendar basis. */
  note: string;
}

/** a / b, or null when b is 0 (or either side is not finite). Never NaN, never a fake 0. */
export function ratio(a: number, b: number): number | null {
  if (b === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return a / b;
}

const mul = (...xs: (number | null)[]): number | null =>
  xs.some((x) => x === null) ? null : xs.reduce<number>((p, x) => p * (x ?? 1), 1);

const EPS = 1e-9;

/**
 * KPIs of ISO 22400-2 (and 开机率) from summed elements. Roll up by summing elements, then call this once:
 * never average ratios.
 * @example
 * const k = kpisFromElements(sumElements([machineA, machineB]));
 * k.oee; // null when PBT, APT or PQ is 0
 */
export function kpisFromElements(e: Elements): Kpis {
  const availability = ratio(e.aptS, e.pbtS);
  const effectiveness = e.pq > 0 && e.idealS <= 0 ? null : ratio(e.idealS, e.aptS);
  const quality = ratio(e.gq, e.pq);
  const flags: KpiFlag[] = [];
  if (effectiveness !== null && effectiveness > 1 + EPS) flags.push("effectiveness_above_1");
  if (e.gq > e.pq + EPS) flags.push("good_exceeds_produced");
  if (e.sq > e.pq + EPS || e.rq > e.pq + EPS) flags.push("scrap_exceeds_produced");
  if (availability !== null && availability > 1 + EPS) flags.push("availability_above_1");
  if (e.pq > 0 && e.idealS <= 0) flags.push("ideal_cycle_missing");
  if (e.offlineS > 0) flags.push("offline_time");
  const calendar: CalendarUse =
    e.calendarS <= 0
      ? "none"
      : e.calendarS < e.elapsedS - EPS
        ? "partial"
        : e.defaultCalendarS <= 0
          ? "calendar"
          : e.defaultCalendarS >= e.elapsedS - EPS
            ? "default"
            : "partial";
  return {
    availability,
    effectiveness,
    quality,
    oee: mul(availability, effectiveness, quality),
    nee: mul(ratio(e.auptS, e.pbtS), effectiveness, quality),
    utilizationEfficiency: ratio(e.aptS, e.aubtS),
    technicalEfficiency: ratio(e.aptS, e.aptS + e.adetS),
    setupRate: ratio(e.austS, e.auptS),
    throughputPerHour: mul(ratio(e.pq, e.aoetS), 3600),
    scrapRatio: ratio(e.sq, e.pq),
    reworkRatio: ratio(e.rq, e.pq),
    mtbfS: ratio(e.aptS, e.failures),
    mttrS: ratio(e.repairS, e.failures),
    runningRate: ratio(e.aptS + e.unplannedAptS, e.elapsedS),
    energyPerUnitKwh: ratio(e.energyKwh, e.gq),
    flags,
    calendar,
    note: CALENDAR_NOTES[calendar],
  };
}

const CALENDAR_NOTES: Record<CalendarUse, string> = {
  calendar: "planned time from the shift calendar",
  default: "no calendar set: planned time from the default calendar (Mon–Sat 08:00–17:00, break 12:00–13:00)",
  none: "no calendar: POT = whole range, PDOT = 0",
  partial: "some machines have no calendar set: for those, planned time from the default calendar",
};
