import { WeftError } from "@weft/core";
import { cities, enterprises, gateways, lines, machines, parks, users } from "@weft/db/schema";
import { and, eq, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { BrainContext } from "../context.ts";
import type { UserPrincipal } from "./principal.ts";
import {
  cityFilter,
  enterpriseFilter,
  gatewayFilter,
  lineFilter,
  machineFilter,
  parkFilter,
  userFilter,
} from "./walls.ts";

export {
  cityFilter,
  enterpriseFilter,
  gatewayFilter,
  isSystemAdmin,
  lineFilter,
  machineFilter,
  parkFilter,
  userFilter,
} from "./walls.ts";

export type CityRow = typeof cities.$inferSelect;
export type ParkRow = typeof parks.$inferSelect;
export type EnterpriseRow = typeof enterprises.$inferSelect;
export type MachineRow = typeof machines.$inferSelect;
export type LineRow = typeof lines.$inferSelect;
export type GatewayRow = typeof gateways.$inferSelect & { parkId: number };
export type UserRow = { id: number; email: string; role: string; cityId: number | null };

/**
 * The one answer for "outside your scope": the same whether the thing exists elsewhere or not at
 * all, so no caller can learn what exists beyond their walls.
 */
export function notFound(what: string, ref: string | number, field = "id"): WeftError {
  return new WeftError("NOT_FOUND", `${what} ${ref} does not exist or is not visible to you`, { field });
}

/** `id = ref` for a number, `key = ref` for a string. */
const byRef = (ref: number | string, idCol: AnyPgColumn, keyCol: AnyPgColumn): SQL =>
  typeof ref === "number" ? eq(idCol, ref) : eq(keyCol, ref);

/** A city the user may see, by id or key; NOT_FOUND otherwise. */
export async function requireCity(
  ctx: BrainContext,
  user: UserPrincipal,
  ref: number | string,
  field = "city",
) {
  const [row] = await ctx.handle.db
    .select()
    .from(cities)
    .where(and(byRef(ref, cities.id, cities.key), cityFilter(user)))
    .limit(1);
  if (!row) throw notFound("city", ref, field);
  return row;
}

/** A park the user may see, by id or key; NOT_FOUND otherwise. */
export async function requirePark(
  ctx: BrainContext,
  user: UserPrincipal,
  ref: number | string,
  field = "park",
) {
  const [row] = await ctx.handle.db
    .select()
    .from(parks)
    .where(and(byRef(ref, parks.id, parks.key), parkFilter(user)))
    .limit(1);
  if (!row) throw notFound("park", ref, field);
  return row;
}

/** An enterprise the user may see, by id or key; NOT_FOUND otherwise. */
export async function requireEnterprise(
  ctx: BrainContext,
  user: UserPrincipal,
  ref: number | string,
  field = "enterprise",
) {
  const [row] = await ctx.handle.db
    .select()
    .from(enterprises)
    .where(and(byRef(ref, enterprises.id, enterprises.key), enterpriseFilter(user)))
    .limit(1);
  if (!row) throw notFound("enterprise", ref, field);
  return row;
}

/**
 * A machine the user may see, by id or by key; NOT_FOUND otherwise. Keys are unique per enterprise
 * only, so a key that names several machines the user can see is a VALIDATION_FAILED asking for
 * the id (both machines are visible to the caller, so this reveals nothing beyond their walls).
 */
export async function requireMachine(
  ctx: BrainContext,
  user: UserPrincipal,
  ref: number | string,
  field = "machine",
) {
  const rows = await ctx.handle.db
    .select()
    .from(machines)
    .where(and(byRef(ref, machines.id, machines.key), machineFilter(user)))
    .limit(2);
  const row = rows[0];
  if (!row) throw notFound("machine", ref, field);
  if (rows.length > 1) {
    throw new WeftError("VALIDATION_FAILED", `machine key ${ref} names machines of several enterprises`, {
      field,
      fix: "name the machine by its id (machines.list shows it)",
    });
  }
  return row;
}

/** A production line the user may see (through its enterprise); NOT_FOUND otherwise. */
export async function requireLine(ctx: BrainContext, user: UserPrincipal, id: number, field = "line") {
  const [row] = await ctx.handle.db
    .select()
    .from(lines)
    .where(and(eq(lines.id, id), lineFilter(user)))
    .limit(1);
  if (!row) throw notFound("line", id, field);
  return row;
}

/** A gateway the user may see (through its enterprise), with its park; NOT_FOUND otherwise. */
export async function requireGateway(
  ctx: BrainContext,
  user: UserPrincipal,
  id: string,
  field = "id",
): Promise<GatewayRow> {
  const [row] = await ctx.handle.db
    .select({ gw: gateways, parkId: enterprises.parkId })
    .from(gateways)
    .innerJoin(enterprises, eq(enterprises.id, gateways.enterpriseId))
    .where(and(eq(gateways.id, id), gatewayFilter(user)))
    .limit(1);
  if (!row) throw notFound("gateway", id, field);
  return { ...row.gw, parkId: row.parkId };
}

/** A user account a city administrator may manage; NOT_FOUND otherwise. */
export async function requireUser(
  ctx: BrainContext,
  user: UserPrincipal,
  id: number,
  field = "id",
): Promise<UserRow> {
  const [row] = await ctx.handle.db
    .select({ id: users.id, email: users.email, role: users.role, cityId: users.cityId })
    .from(users)
    .where(and(eq(users.id, id), userFilter(user)))
    .limit(1);
  if (!row) throw notFound("user", id, field);
  return row;
}
