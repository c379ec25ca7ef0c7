const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at `utcMs`, in ms (Asia/Shanghai → +8 h). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return 0;
  // Offsets change at most on quarter hours: cache per zone and quarter hour.
  const slot = `${timeZone}@${Math.floor(utcMs / 900_000)}`;
  const cached = offsetCache.get(slot);
  if (cached !== undefined) return cached;
  const off = computeOffset(utcMs, timeZone);
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(slot, off);
  return off;
}

const offsetCache = new Map<string, number>();

function computeOffset(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(utcMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Start (UTC ms) of the local day holding `utcMs` in `timeZone`. */
export function localDayStart(utcMs: number, timeZone: string): number {
  const off = zoneOffsetMs(utcMs, timeZone);
  return Math.floor((utcMs + off) / DAY) * DAY - off;
}

/** Start (UTC ms) of the local hour holding `utcMs` (equals the UTC hour for whole-hour offsets). */
export function localHourStart(utcMs: number, timeZone: string): number {
  const off = zoneOffsetMs(utcMs, timeZone);
  return Math.floor((utcMs + off) / HOUR) * HOUR - off;
}

/** Whether `timeZone` is an IANA zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}
