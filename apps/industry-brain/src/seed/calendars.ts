import type { DbHandle } from "@weft/db/client";
import { enterpriseCalendars, enterprises } from "@weft/db/schema";
import { ShiftCalendar, type ShiftCalendarInput } from "@weft/kpi";
import { inArray } from "drizzle-orm";

const EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const MON_SAT = ["mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** Round the clock in two 12 h shifts with a meal break each (the demo presses run day and night). */
const TWO_SHIFTS: ShiftCalendarInput = {
  timeZone: "Asia/Shanghai",
  shifts: [
    {
      name: "白班",
      days: [...EVERY_DAY],
      start: "08:00",
      end: "20:00",
      breaks: [{ start: "12:00", end: "12:30" }],
    },
    {
      name: "夜班",
      days: [...EVERY_DAY],
      start: "20:00",
      end: "08:00",
      breaks: [{ start: "00:00", end: "00:30" }],
    },
  ],
};

/** One long day shift, Monday to Saturday, lunch 12:00–13:00. */
const DAY_SHIFT: ShiftCalendarInput = {
  timeZone: "Asia/Shanghai",
  shifts: [
    {
      name: "白班",
      days: [...MON_SAT],
      start: "08:00",
      end: "20:00",
      breaks: [{ start: "12:00", end: "13:00" }],
    },
  ],
};

/**
 * Every minute planned, no breaks, in `timeZone`: for a plant that never stops, and for runs that must
 * give an availability at any hour (the examples).
 * @example await seedDemoCalendars(db, { "caihong-print": roundTheClock("Asia/Shanghai") });
 */
export function roundTheClock(timeZone: string): ShiftCalendarInput {
  return { timeZone, shifts: [{ name: "24h", days: [...EVERY_DAY], start: "00:00", end: "00:00" }] };
}

/** The demo enterprises' shift calendars (the demo runs with real planned time, not the default). */
export const DEMO_CALENDARS: Record<string, ShiftCalendarInput> = {
  "caihong-print": TWO_SHIFTS,
  "dongfang-pack": TWO_SHIFTS,
  "jinggong-robotics": TWO_SHIFTS,
  "senhua-furniture": DAY_SHIFT,
  "jinlun-textile": DAY_SHIFT,
};

/**
 * Set the demo enterprises' calendars (idempotent: replaces them). Kept apart from `seedDemo`, which
 * tests use with no calendar so they see the default one.
 * @example await seedDemo(db); await seedDemoCalendars(db);
 */
export async function seedDemoCalendars(
  handle: DbHandle,
  calendars: Readonly<Record<string, ShiftCalendarInput>> = DEMO_CALENDARS,
): Promise<number> {
  const rows = await handle.db
    .select({ id: enterprises.id, key: enterprises.key })
    .from(enterprises)
    .where(inArray(enterprises.key, Object.keys(calendars)));
  for (const r of rows) {
    const calendar = ShiftCalendar.parse(calendars[r.key]) as unknown as Record<string, unknown>;
    await handle.db
      .insert(enterpriseCalendars)
      .values({ enterpriseId: r.id, calendar })
      .onConflictDoUpdate({
        target: enterpriseCalendars.enterpriseId,
        set: { calendar, updatedAt: new Date() },
      });
  }
  return rows.length;
}
