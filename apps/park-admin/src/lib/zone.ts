/** The zone's offset from UTC at `ms`, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, timeZone: string | undefined): number {
  if (!timeZone) return -new Date(ms).getTimezoneOffset() * 60_000;
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * Epoch ms of midnight starting the calendar day `y-m-d` in `timeZone` (the browser's when
 * undefined). A date picked in a filter means that day where the data lives, as the brain cuts days.
 */
export function zoneMidnight(y: number, m: number, d: number, timeZone: string | undefined): number {
  const guess = Date.UTC(y, m - 1, d);
  // Two passes: the offset at the guess may differ from the one at the answer across a DST change.
  const first = guess - zoneOffsetMs(guess, timeZone);
  return guess - zoneOffsetMs(first, timeZone);
}
