import { integer, jsonb, pgTable, timestamp } from "drizzle-orm/pg-core";
import { enterprises } from "./assets.ts";
import { users } from "./auth.ts";

/**
 * An enterprise's shift calendar (the `ShiftCalendar` of @weft/kpi, validated by the brain before it is
 * stored): planned operation time (POT) and planned down time (PDOT) of its machines come from it.
 * No row: no calendar (POT = whole range).
 */
export const enterpriseCalendars = pgTable("enterprise_calendars", {
  enterpriseId: integer()
    .primaryKey()
    .references(() => enterprises.id, { onDelete: "cascade" }),
  calendar: jsonb().$type<Record<string, unknown>>().notNull(),
  updatedBy: integer().references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
