import type { DbHandle } from "@weft/db/client";
import { enterpriseCalendars, enterprises } from "@weft/db/schema";
import { ShiftCalendar, type ShiftCalendarInput } from "@weft/kpi";
import { inArray } from "drizzle-orm";
import { DEMO_ENTERPRISES } from "./demo-data.ts";
import { historyProfileFor, profileCalendar } from "./history-profiles.ts";

const EVERY_DAY = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/**
 * Every minute planned, no breaks, in `timeZone`: for a plant that never stops, and for runs that must
 * give an availability at any hour (the examples).
 * @example await seedDemoCalendars(db, { "caihong-print": roundTheClock("Asia/Shanghai") });
 */
export function roundTheClock(timeZone: string): ShiftCalendarInput {
  return { timeZone, shifts: [{ name: "24h", days: [...EVERY_DAY], start: "00:00", end: "00:00" }] };
}

/**
 * The demo enterprises' shift calendars (the demo runs with real planned time, not the default):
 * each is the calendar its industry's history profile works by, so the 30 days of history and the
 * planned time agree (presses two shifts Mon–Sat, furniture 08:00–17:00 Mon–Sat, robots three
 * shifts Mon–Fri, looms round the clock).
 */
export const DEMO_CALENDARS: Record<string, ShiftCalendarInput> = Object.fromEntries(
  DEMO_ENTERPRISES.map((e) => [e.key, profileCalendar(historyProfileFor(e.industryCode))]),
);

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
