import { z } from "zod";
import { isValidTimeZone, localDate, zonedToUtc } from "./internal/zoned.ts";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

const LocalTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'local time as "HH:MM" (00:00 to 23:59)')
  .describe("Local wall-clock time");
const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date as "YYYY-MM-DD"')
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
  }, "not a calendar date");

/** A break inside a shift, planned down time (PDOT). A break earlier than the shift start falls on the next day. */
export const ShiftBreak = z.object({ start: LocalTime, end: LocalTime });
export type ShiftBreak = z.infer<typeof ShiftBreak>;

/** A shift on some weekdays; `end` ≤ `start` means it ends on the next day (crosses midnight). */
export const Shift = z.object({
  name: z.string().min(1).max(64),
  days: z.array(Weekday).min(1),
  start: LocalTime,
  end: LocalTime,
  breaks: z.array(ShiftBreak).default([]),
});
export type Shift = z.infer<typeof Shift>;

/**
 * A weekly shift calendar in an IANA time zone. `holidays`: dates on which no shift starts.
 * `extraWorkingDays`: dates that work like the weekday `as` (e.g. a make-up Saturday, 调休).
 */
export const ShiftCalendar = z.object({
  timeZone: z.string().refine(isValidTimeZone, "unknown IANA time zone (e.g. Asia/Shanghai)"),
  shifts: z.array(Shift).min(1),
  holidays: z.array(IsoDate).default([]),
  extraWorkingDays: z.array(z.object({ date: IsoDate, as: Weekday.default("mon") })).default([]),
});
export type ShiftCalendar = z.infer<typeof ShiftCalendar>;
/** The calendar as written in config (defaults not yet applied). */
export type ShiftCalendarInput = z.input<typeof ShiftCalendar>;

/** A half-open time range `[start, end)` in epoch ms. */
export interface TimeRange {
  start: number;
  end: number;
}

/** One worked shift: full instant bounds (not clipped to the query range) and its break windows. */
export interface ShiftInstance {
  name: string;
  /** Local date the shift starts on, "YYYY-MM-DD". */
  date: string;
  start: number;
  end: number;
  breaks: TimeRange[];
}

const DAY_MS = 86_400_000;
const minutes = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const iso = (y: number, m: number, d: number): string =>
  `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

/** Instant of local date (as UTC-encoded midnight) + day offset + "HH:MM". */
function at(dayLocalMs: number, plusDays: number, time: string, tz: string): number {
  return zonedToUtc(dayLocalMs + plusDays * DAY_MS + minutes(time) * 60_000, tz);
}

/**
 * Shifts that overlap `range`, in start order. A shift belongs to the local date it starts on.
 * @example
 * const cal = ShiftCalendar.parse({ timeZone: "Asia/Shanghai", shifts: [{ name: "day", days: ["mon"], start: "08:00", end: "17:00", breaks: [{ start: "12:00", end: "13:00" }] }] });
 * shiftsIn(cal, { start: Date.parse("2026-11-23T00:00:00+08:00"), end: Date.parse("2026-11-24T00:00:00+08:00") });
 */
export function shiftsIn(calendar: ShiftCalendar, range: TimeRange): ShiftInstance[] {
  const tz = calendar.timeZone;
  const holidays = new Set(calendar.holidays);
  const extra = new Map(calendar.extraWorkingDays.map((e) => [e.date, e.as]));
  const first = localDate(range.start, tz);
  const last = localDate(range.end, tz);
  const out: ShiftInstance[] = [];
  // Start a day early: a shift from the previous evening may run into the range.
  for (
    let day = Date.UTC(first.y, first.m - 1, first.d) - DAY_MS;
    day <= Date.UTC(last.y, last.m - 1, last.d);
    day += DAY_MS
  ) {
    const dt = new Date(day);
    const date = iso(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
    if (holidays.has(date)) continue;
    const weekday = extra.get(date) ?? WEEKDAYS[(dt.getUTCDay() + 6) % 7];
    for (const shift of calendar.shifts) {
      if (!weekday || !shift.days.includes(weekday)) continue;
      const s = minutes(shift.start);
      const start = at(day, 0, shift.start, tz);
      const end = at(day, minutes(shift.end) <= s ? 1 : 0, shift.end, tz);
      if (end <= range.start || start >= range.end) continue;
      const breaks = shift.breaks.map((b) => {
        const bs = at(day, minutes(b.start) < s ? 1 : 0, b.start, tz);
        let be = at(day, minutes(b.end) < s ? 1 : 0, b.end, tz);
        if (be <= bs) be = at(day, minutes(b.end) < s ? 2 : 1, b.end, tz);
        return { start: Math.max(bs, start), end: Math.min(be, end) };
      });
      out.push({ name: shift.name, date, start, end, breaks: breaks.filter((b) => b.end > b.start) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Union of ranges, sorted, clipped to `clip`. */
function union(ranges: TimeRange[], clip: TimeRange): TimeRange[] {
  const sorted = ranges
    .map((r) => ({ start: Math.max(r.start, clip.start), end: Math.min(r.end, clip.end) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const out: TimeRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

const seconds = (ranges: TimeRange[]): number => ranges.reduce((s, r) => s + (r.end - r.start), 0) / 1000;

/**
 * Planned operation time and planned down time (seconds) of `range`: POT = worked shift time inside the
 * range (overlapping shifts counted once), PDOT = break time inside those shifts. Real elapsed time, so a
 * night shift over a DST change lasts 7 h or 9 h.
 * @example plannedTime(cal, range); // { potS: 32_400, pdotS: 3_600 }
 */
export function plannedTime(calendar: ShiftCalendar, range: TimeRange): { potS: number; pdotS: number } {
  const shifts = shiftsIn(calendar, range);
  const worked = union(shifts, range);
  const breaks = union(
    shifts.flatMap((s) => s.breaks),
    range,
  );
  return { potS: seconds(worked), pdotS: seconds(breaks) };
}

/** Planned busy windows (shift time minus breaks) inside `range`, for strict ISO scoping of elements. */
export function plannedBusyWindows(calendar: ShiftCalendar, range: TimeRange): TimeRange[] {
  const shifts = shiftsIn(calendar, range);
  const worked = union(shifts, range);
  const breaks = union(
    shifts.flatMap((s) => s.breaks),
    range,
  );
  const out: TimeRange[] = [];
  for (const w of worked) {
    let cursor = w.start;
    for (const b of breaks) {
      if (b.end <= cursor || b.start >= w.end) continue;
      if (b.start > cursor) out.push({ start: cursor, end: b.start });
      cursor = Math.max(cursor, b.end);
    }
    if (cursor < w.end) out.push({ start: cursor, end: w.end });
  }
  return out;
}

/**
 * The calendar used when an enterprise has none: one day shift 08:00–17:00 Monday to Saturday with a
 * 12:00–13:00 lunch break, in the enterprise's time zone (the common single shift of a small plant).
 * KPIs computed on it say so (`calendar: "default"`), so nobody mistakes it for a configured plan.
 * @example plannedTime(defaultCalendar("Asia/Shanghai"), oneMonday); // { potS: 32_400, pdotS: 3_600 }
 */
export function defaultCalendar(timeZone: string): ShiftCalendar {
  return ShiftCalendar.parse({
    timeZone,
    shifts: [
      {
        name: "day",
        days: ["mon", "tue", "wed", "thu", "fri", "sat"],
        start: "08:00",
        end: "17:00",
        breaks: [{ start: "12:00", end: "13:00" }],
      },
    ],
  });
}
