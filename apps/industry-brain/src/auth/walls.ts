import { cities, enterprises, gateways, lines, machines, parks, users } from "@weft/db/schema";
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import type { UserPrincipal } from "./principal.ts";

/**
 * The walls, as SQL conditions: what a user may see. A city-admin sees their city (every city when
 * bound to none: the system administrator), a park-manager their parks, an enterprise-user their
 * enterprise. `undefined` means "no condition" (the system administrator).
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

/** Condition on `enterprises`. */
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

/** `column` (an enterprise id) is one of the enterprises the user may see. */
function inVisibleEnterprises(
  user: UserPrincipal,
  column: SQL | typeof machines.enterpriseId,
): SQL | undefined {
  if (user.role === "enterprise-user") {
    return user.enterpriseId === null ? sql`false` : sql`${column} = ${user.enterpriseId}`;
  }
  const ef = enterpriseFilter(user);
  return ef ? sql`${column} in (select ${enterprises.id} from ${enterprises} where ${ef})` : undefined;
}

/** Condition on `machines` through their enterprise. */
export function machineFilter(user: UserPrincipal): SQL | undefined {
  return inVisibleEnterprises(user, machines.enterpriseId);
}

/** Condition on `gateways` through their enterprise. */
export function gatewayFilter(user: UserPrincipal): SQL | undefined {
  return inVisibleEnterprises(user, sql`${gateways.enterpriseId}`);
}

/** Condition on `lines` through their enterprise. */
export function lineFilter(user: UserPrincipal): SQL | undefined {
  return inVisibleEnterprises(user, sql`${lines.enterpriseId}`);
}

/** Condition on `cities`: a city-admin's city, or the cities of a manager's parks or a user's enterprise. */
export function cityFilter(user: UserPrincipal): SQL | undefined {
  if (user.role === "city-admin") return user.cityId === null ? undefined : eq(cities.id, user.cityId);
  const pf = parkFilter(user);
  return sql`${cities.id} in (select ${parks.cityId} from ${parks} where ${pf ?? sql`true`})`;
}

/**
 * Condition on `users` a city administrator may see and manage: those of their city (by
 * `users.city_id`, or by the parks they manage or the enterprise they belong to). Other roles see
 * no user through this filter (they only ever see themselves, through `auth.me`).
 */
export function userFilter(user: UserPrincipal): SQL | undefined {
  if (user.role !== "city-admin") return sql`false`;
  const cityId = user.cityId;
  if (cityId === null) return undefined;
  return sql`(${users.cityId} = ${cityId}
    or exists (select 1 from user_parks up join parks p on p.id = up.park_id
               where up.user_id = ${users.id} and p.city_id = ${cityId})
    or exists (select 1 from enterprises e join parks p on p.id = e.park_id
               where e.id = ${users.enterpriseId} and p.city_id = ${cityId}))`;
}

/** True for the system administrator: a city-admin bound to no city (sees every city). */
export function isSystemAdmin(user: UserPrincipal): boolean {
  return user.role === "city-admin" && user.cityId === null;
}
