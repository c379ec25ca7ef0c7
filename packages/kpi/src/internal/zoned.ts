/** Time-zone arithmetic on Intl only (no tz database of our own). */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA zone. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * Offset of `timeZone` from UTC at the instant `utcMs`, in ms (Berlin in summer: +7 200 000).
 * Cached per zone and quarter hour: every real offset change falls on a quarter hour, and the
 * brain's ingest path asks for the same few offsets many times per batch.
 */
export function offsetAt(utcMs: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  // Per zone, keyed by the quarter-hour number: no key string is built on the hot path (a city's
  // year of calendar windows asks tens of thousands of times a request).
  let ofZone = offsetCache.get(timeZone);
  if (!ofZone) {
    ofZone = new Map<number, number>();
    offsetCache.set(timeZone, ofZone);
  }
  const slot = Math.floor(utcMs / 900_000);
  const cached = ofZone.get(slot);
  if (cached !== undefined) return cached;
  const off = computeOffset(utcMs, timeZone);
  if (ofZone.size > 50_000) ofZone.clear();
  ofZone.set(slot, off);
  return off;
}

const offsetCache = new Map<string, Map<number, number>>();

function computeOffset(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const local = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return local - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. Like Temporal's "compatible" disambiguation: a time skipped by
 * a spring-forward change moves forward by the gap; a time repeated by a fall-back change takes the earlier one.
 * `localMs` is the wall time encoded as if it were UTC (Date.UTC(y, m, d, h, min)).
 */
export function zonedToUtc(localMs: number, timeZone: string): number {
  const before = offsetAt(localMs - 86_400_000, timeZone);
  const after = offsetAt(localMs + 86_400_000, timeZone);
  const candidates = [localMs - before, localMs - after].filter((t) => t + offsetAt(t, timeZone) === localMs);
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped wall time (spring forward): interpret with the offset before the change.
  return localMs - before;
}

/** Local calendar date (y, m 1-12, d) and ISO weekday (1 = Monday) of an instant. */
export function localDate(utcMs: number, timeZone: string): { y: number; m: number; d: number } {
  const local = new Date(utcMs + offsetAt(utcMs, timeZone));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth() + 1, d: local.getUTCDate() };
}

const HOUR_MS = 3_600_000;

/** Start (UTC ms) of the local calendar day holding `utcMs`; right on DST-change days too. */
export function localDayStart(utcMs: number, timeZone: string): number {
  const { y, m, d } = localDate(utcMs, timeZone);
  return zonedToUtc(Date.UTC(y, m - 1, d), timeZone);
}

/**
 * Start (UTC ms) of the local calendar month holding `utcMs`: local midnight of its first day, right
 * when a DST change falls in the month too. The next month starts at `localMonthStart(start + 32 days)`.
 */
export function localMonthStart(utcMs: number, timeZone: string): number {
  const { y, m } = localDate(utcMs, timeZone);
  return zonedToUtc(Date.UTC(y, m - 1, 1), timeZone);
}

/** Start (UTC ms) of the local hour holding `utcMs` (the offset holds for the whole hour). */
export function localHourStart(utcMs: number, timeZone: string): number {
  const off = offsetAt(utcMs, timeZone);
  return Math.floor((utcMs + off) / HOUR_MS) * HOUR_MS - off;
}
