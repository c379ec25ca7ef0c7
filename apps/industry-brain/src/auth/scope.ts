import { WeftError } from "@weft/core";
import { enterprises, machines, parks } from "@weft/db/schema";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BrainContext } from "../context.ts";
import type { UserPrincipal } from "./principal.ts";

/**
 * The walls: a city-admin sees their city (all cities when not bound to one), a
 * park-manager their parks, an enterprise-user their enterprise. Every read
 * filters by these conditions; every by-id read checks them and answers
 * NOT_FOUND for things that exist but are not the caller's (no existence leak).
 */
export function parkFilter(user: UserPrincipal): SQL | undefined {
  switch (user.role) {
    case "city-admin":
      return user.cityId === null ? undefined : eq(parks.cityId, user.cityId);
    case "park-manager":
      return user.parkIds.length ? inArray(parks.id, user.parkIds) : sql`false`;
    case "enterprise-user":
      return user.enterpriseId === null
        ? sql`false`
        : sql`${parks.id} = (select ${enterprises.parkId} from ${enterprises} where ${enterprises.id} = ${user.enterpriseId})`;
  }
}

/** Condition on `enterprises` (join `parks` when the user is a city-admin bound to a city). */
export function enterpriseFilter(user: UserPrincipal): SQL | undefined {
  switch (user.role) {
    case "city-admin":
      return user.cityId === null
        ? undefined
        : sql`${enterprises.parkId} in (select ${parks.id} from ${parks} where ${parks.cityId} = ${user.cityId})`;
    case "park-manager":
      return user.parkIds.length ? inArray(enterprises.parkId, user.parkIds) : sql`false`;
    case "enterprise-user":
      return user.enterpriseId === null ? sql`false` : eq(enterprises.id, user.enterpriseId);
  }
}

/** Condition on `machines` through their enterprise. */
export function machineFilter(user: UserPrincipal): SQL | undefined {
  const ef = enterpriseFilter(user);
  if (!ef) return undefined;
  if (user.role === "enterprise-user") {
    return user.enterpriseId === null ? sql`false` : eq(machines.enterpriseId, user.enterpriseId);
  }
  return sql`${machines.enterpriseId} in (select ${enterprises.id} from ${enterprises} where ${ef})`;
}

function notFound(what: string, key: string | number): WeftError {
  return new WeftError("NOT_FOUND", `${what} ${key} does not exist or is not visible to you`, {
    field: "id",
  });
}

/** A park the user may see, by id or key; NOT_FOUND otherwise. */
export async function requirePark(ctx: BrainContext, user: UserPrincipal, idOrKey: number | string) {
  const byId = typeof idOrKey === "number" ? eq(parks.id, idOrKey) : eq(parks.key, idOrKey);
  const rows = await ctx.handle.db
    .select()
    .from(parks)
    .where(and(byId, parkFilter(user)))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound("park", idOrKey);
  return row;
}

/** An enterprise the user may see, by id or key; NOT_FOUND otherwise. */
export async function requireEnterprise(ctx: BrainContext, user: UserPrincipal, idOrKey: number | string) {
  const byId = typeof idOrKey === "number" ? eq(enterprises.id, idOrKey) : eq(enterprises.key, idOrKey);
  const rows = await ctx.handle.db
    .select()
    .from(enterprises)
    .where(and(byId, enterpriseFilter(user)))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound("enterprise", idOrKey);
  return row;
}

/** A machine the user may see, by id or key; NOT_FOUND otherwise. */
export async function requireMachine(ctx: BrainContext, user: UserPrincipal, idOrKey: number | string) {
  const byId = typeof idOrKey === "number" ? eq(machines.id, idOrKey) : eq(machines.key, idOrKey);
  const rows = await ctx.handle.db
    .select()
    .from(machines)
    .where(and(byId, machineFilter(user)))
    .limit(1);
  const row = rows[0];
  if (!row) throw notFound("machine", idOrKey);
  return row;
}

/** Throws FORBIDDEN unless the user may change things in this enterprise. */
export function assertCanWriteEnterprise(
  user: UserPrincipal,
  enterprise: { id: number; parkId: number },
): void {
  const ok =
    user.role === "city-admin" ||
    (user.role === "park-manager" && user.parkIds.includes(enterprise.parkId)) ||
    (user.role === "enterprise-user" && user.enterpriseId === enterprise.id);
  if (!ok) throw new WeftError("FORBIDDEN", "you may not change this enterprise");
}
