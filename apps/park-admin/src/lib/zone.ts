import { zonedToUtc } from "@weft/kpi/zone";

/**
 * Epoch ms of midnight starting the calendar day `y-m-d` in `timeZone` (the browser's when
 * undefined). A date picked in a filter means that day where the data lives, as the brain cuts days.
 */
export function zoneMidnight(y: number, m: number, d: number, timeZone: string | undefined): number {
  return timeZone ? zonedToUtc(Date.UTC(y, m - 1, d), timeZone) : new Date(y, m - 1, d).getTime();
}
