import { cities, enterprises, parks } from "@weft/db/schema";
import { eq } from "drizzle-orm";
import type { BrainContext } from "../context.ts";
import type { UserPrincipal } from "./principal.ts";

/**
 * The zone a user's pages are shown in: the enterprise's for an enterprise user, else the city's
 * (a park manager's through their parks). Shown dates must match the brain's day and shift buckets,
 * which are cut in this zone, whatever zone the browser is in.
 */
export async function timeZoneOf(
  ctx: Pick<BrainContext, "handle">,
  u: UserPrincipal,
): Promise<string | null> {
  const { db } = ctx.handle;
  if (u.enterpriseId !== null) {
    const [e] = await db
      .select({ z: enterprises.timeZone })
      .from(enterprises)
      .where(eq(enterprises.id, u.enterpriseId));
    if (e) return e.z;
  }
  if (u.cityId !== null) {
    const [c] = await db.select({ z: cities.timeZone }).from(cities).where(eq(cities.id, u.cityId));
    if (c) return c.z;
  }
  const parkId = u.parkIds[0];
  if (parkId !== undefined) {
    const [c] = await db
      .select({ z: cities.timeZone })
      .from(parks)
      .innerJoin(cities, eq(cities.id, parks.cityId))
      .where(eq(parks.id, parkId));
    if (c) return c.z;
  }
  return null;
}

/** The zone before any is known: the demo's and most deployments'. */
export const FALLBACK_TIME_ZONE = "Asia/Shanghai";

/**
 * The zone figures over several enterprises are cut in (days, sparklines, the rollup tables that fit):
 * the city's when the request names one, else the user's ({@link timeZoneOf}).
 */
export async function figuresTimeZone(
  ctx: Pick<BrainContext, "handle">,
  user: UserPrincipal,
  city: { timeZone: string } | null | undefined,
): Promise<string> {
  return city?.timeZone ?? (await timeZoneOf(ctx, user)) ?? FALLBACK_TIME_ZONE;
}
