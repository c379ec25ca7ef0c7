import { describeEachDb } from "@weft/db/testing";
import { ShiftCalendar } from "@weft/kpi";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { DEMO_CALENDARS, seedDemoCalendars } from "./calendars.ts";
import { seedDemo } from "./demo.ts";

describeEachDb("demo calendars", (db) => {
  it("every demo enterprise gets a valid calendar, and seeding twice changes nothing", async () => {
    await seedDemo(db.handle);
    expect(await seedDemoCalendars(db.handle)).toBe(Object.keys(DEMO_CALENDARS).length);
    await seedDemoCalendars(db.handle);
    const rows = await db.handle.query<{ key: string; calendar: unknown }>(
      sql`select e.key, c.calendar from enterprise_calendars c join enterprises e on e.id = c.enterprise_id order by e.key`,
    );
    expect(rows.map((r) => r.key)).toEqual(Object.keys(DEMO_CALENDARS).sort());
    for (const r of rows) expect(ShiftCalendar.safeParse(r.calendar).success, r.key).toBe(true);
  });
});
