import { alertRules, alerts, displayTokens } from "@weft/db/schema";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BrainContext } from "../context.ts";
import type { UserPrincipal } from "./principal.ts";
import { notFound } from "./scope.ts";

/*
 * Walls of the operations tables (alert rules and their alerts, wall-display tokens). A rule is the
 * city's, a park's or an enterprise's: a city-admin sees the rules of their city, a park-manager
 * those of their parks (park and enterprise rules there), an enterprise-user their enterprise's.
 * An alert is seen by whoever sees its rule.
 */

/** Condition on `alert_rules`. */
export function alertRuleFilter(user: UserPrincipal): SQL | undefined {
  switch (user.role) {
    case "city-admin":
      return user.cityId === null ? undefined : eq(alertRules.cityId, user.cityId);
    case "park-manager":
      return user.parkIds.length ? inArray(alertRules.parkId, user.parkIds) : sql`false`;
    case "enterprise-user":
      return user.enterpriseId === null ? sql`false` : eq(alertRules.enterpriseId, user.enterpriseId);
  }
}

/** Condition on `alerts` through their rule. */
export function alertFilter(user: UserPrincipal): SQL | undefined {
  const rf = alertRuleFilter(user);
  return rf ? sql`${alerts.ruleId} in (select ${alertRules.id} from ${alertRules} where ${rf})` : undefined;
}

/** Condition on `display_tokens`: a city-admin's city (only city-admins reach these procedures). */
export function displayTokenFilter(user: UserPrincipal): SQL | undefined {
  if (user.role !== "city-admin") return sql`false`;
  return user.cityId === null ? undefined : eq(displayTokens.cityId, user.cityId);
}

export type AlertRuleRow = typeof alertRules.$inferSelect;
export type AlertRow = typeof alerts.$inferSelect;
export type DisplayTokenRow = typeof displayTokens.$inferSelect;

export async function requireAlertRule(ctx: BrainContext, user: UserPrincipal, id: number, field = "rule") {
  const [row] = await ctx.handle.db
    .select()
    .from(alertRules)
    .where(and(eq(alertRules.id, id), alertRuleFilter(user)))
    .limit(1);
  if (!row) throw notFound("alert rule", id, field);
  return row;
}

export async function requireAlert(ctx: BrainContext, user: UserPrincipal, id: number, field = "alert") {
  const [row] = await ctx.handle.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.id, id), alertFilter(user)))
    .limit(1);
  if (!row) throw notFound("alert", id, field);
  return row;
}

export async function requireDisplayToken(
  ctx: BrainContext,
  user: UserPrincipal,
  id: number,
  field = "token",
) {
  const [row] = await ctx.handle.db
    .select()
    .from(displayTokens)
    .where(and(eq(displayTokens.id, id), displayTokenFilter(user)))
    .limit(1);
  if (!row) throw notFound("display token", id, field);
  return row;
}
