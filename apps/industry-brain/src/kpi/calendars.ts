import { queryRows } from "@weft/db";
import { enterpriseCalendars } from "@weft/db/schema";
import { defaultCalendar, ShiftCalendar } from "@weft/kpi";
import { inArray, type SQL, sql } from "drizzle-orm";
import type { BrainContext } from "../context.ts";
import type { PlanGroup } from "./query.ts";

/** A stored calendar, or null when the stored JSON no longer parses (treated as no calendar). */
export function parseStoredCalendar(raw: unknown): ShiftCalendar | null {
  const r = ShiftCalendar.safeParse(raw);
  return r.success ? r.data : null;
}

/** The calendars of the given enterprises (those without one are absent from the map). */
export async function loadCalendars(
  ctx: Pick<BrainContext, "handle">,
  enterpriseIds: readonly number[],
): Promise<Map<number, ShiftCalendar>> {
  const out = new Map<number, ShiftCalendar>();
  if (enterpriseIds.length === 0) return out;
  const rows = await ctx.handle.db
    .select({ enterpriseId: enterpriseCalendars.enterpriseId, calendar: enterpriseCalendars.calendar })
    .from(enterpriseCalendars)
    .where(inArray(enterpriseCalendars.enterpriseId, [...enterpriseIds]));
  for (const r of rows) {
    const cal = parseStoredCalendar(r.calendar);
    if (cal) out.set(r.enterpriseId, cal);
  }
  return out;
}

/** Machines in scope grouped by enterprise: `[enterpriseId, machine count]`. */
export async function machinesByEnterprise(
  ctx: Pick<BrainContext, "handle">,
  machineIds: SQL,
): Promise<{ enterpriseId: number; machines: number }[]> {
  const rows = await queryRows<{ enterprise_id: unknown; n: unknown }>(
    ctx.handle.db,
    sql`select m.enterprise_id, count(*) as n from machines m where m.id in ${machineIds} group by m.enterprise_id`,
  );
  return rows.map((r) => ({ enterpriseId: Number(r.enterprise_id), machines: Number(r.n) }));
}

/**
 * The machines in scope grouped by the calendar that plans them: the enterprise's own, or the built-in
 * default calendar in the enterprise's time zone (`isDefault`), so no KPI is computed on a 24 h POT.
 */
export async function planGroups(ctx: Pick<BrainContext, "handle">, machineIds: SQL): Promise<PlanGroup[]> {
  const rows = await queryRows<{ enterprise_id: unknown; time_zone: string; n: unknown }>(
    ctx.handle.db,
    sql`select m.enterprise_id, e.time_zone, count(*) as n from machines m join enterprises e on e.id = m.enterprise_id
        where m.id in ${machineIds} group by m.enterprise_id, e.time_zone`,
  );
  return planGroupsOf(
    ctx,
    rows.map((r) => ({
      enterpriseId: Number(r.enterprise_id),
      timeZone: r.time_zone,
      machines: Number(r.n),
    })),
  );
}

/** {@link planGroups} of enterprises already counted: each with its zone and machines in scope. */
export async function planGroupsOf(
  ctx: Pick<BrainContext, "handle">,
  rows: readonly { enterpriseId: number; timeZone: string; machines: number }[],
): Promise<(PlanGroup & { enterpriseIds: number[] })[]> {
  const calendars = await loadCalendars(
    ctx,
    rows.map((r) => r.enterpriseId),
  );
  const groups = new Map<string, PlanGroup & { enterpriseIds: number[] }>();
  for (const r of rows) {
    const own = calendars.get(r.enterpriseId);
    const calendar = own ?? defaultCalendar(r.timeZone);
    const key = `${own ? "own" : "default"}:${JSON.stringify(calendar)}`;
    const g = groups.get(key) ?? { calendar, machines: 0, isDefault: !own, enterpriseIds: [] };
    g.machines += r.machines;
    g.enterpriseIds.push(r.enterpriseId);
    groups.set(key, g);
  }
  return [...groups.values()];
}
