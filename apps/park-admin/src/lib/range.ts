/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** The last `days` whole days up to the next hour boundary, as a half-open epoch-ms range (stable for caching). */
export function lastDays(days: number, now = Date.now()): { from: number; to: number } {
  const hour = 3_600_000;
  const to = Math.ceil(now / hour) * hour;
  return { from: to - days * DAY_MS, to };
}
