import { WeftError } from "@weft/core";
import { enterpriseCalendars } from "@weft/db/schema";
import { ShiftCalendar } from "@weft/kpi";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { requireEnterprise } from "../auth/scope.ts";
import { parseStoredCalendar } from "../kpi/calendars.ts";
import { scopedProcedure } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);

/** Shift-calendar procedures, merged into the `enterprises` router. */
export const calendarProcedures = {
  /** The enterprise's shift calendar (null: none, POT = whole range); anyone who may see the enterprise. */
  getCalendar: scopedProcedure({
    roles: ["city-admin", "park-manager", "enterprise-user"],
    input: z.object({ enterprise: Ref }),
    touches: (i) => ({ enterprise: i.enterprise }),
  }).query(async ({ ctx, input }) => {
    const e = await requireEnterprise(ctx, ctx.user, input.enterprise);
    const [row] = await ctx.handle.db
      .select()
      .from(enterpriseCalendars)
      .where(eq(enterpriseCalendars.enterpriseId, e.id));
    return {
      enterprise: { id: e.id, key: e.key, name: e.name },
      calendar: row ? parseStoredCalendar(row.calendar) : null,
      updatedAt: row ? row.updatedAt.getTime() : null,
    };
  }),

  /**
   * Set (or with `calendar: null`, remove) the enterprise's shift calendar. City-admin or this park's
   * manager; audit-logged. KPIs recompute planned time from it at query time.
   */
  setCalendar: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    mode: "write",
    input: z.object({ enterprise: Ref, calendar: ShiftCalendar.nullable() }),
    touches: (i) => ({ enterprise: i.enterprise }),
  }).mutation(async ({ ctx, input }) => {
    const e = await requireEnterprise(ctx, ctx.user, input.enterprise);
    if (!(ctx.user.role === "city-admin" || ctx.user.parkIds.includes(e.parkId))) {
      throw new WeftError("FORBIDDEN", "only a city administrator or this park's manager may do this");
    }
    const cal = input.calendar;
    const updatedAt = await ctx.handle.db.transaction(async (tx) => {
      let at: Date | null = null;
      if (cal) {
        const now = new Date();
        const value = { calendar: cal as Record<string, unknown>, updatedBy: ctx.user.id, updatedAt: now };
        await tx
          .insert(enterpriseCalendars)
          .values({ enterpriseId: e.id, ...value })
          .onConflictDoUpdate({ target: enterpriseCalendars.enterpriseId, set: value });
        at = now;
      } else {
        await tx.delete(enterpriseCalendars).where(eq(enterpriseCalendars.enterpriseId, e.id));
      }
      await audit(tx, ctx.principal, "enterprise.calendar.set", `enterprise:${e.key}`, {
        calendar: cal,
      });
      return at;
    });
    return {
      enterprise: { id: e.id, key: e.key, name: e.name },
      calendar: cal,
      updatedAt: updatedAt ? updatedAt.getTime() : null,
    };
  }),
};
