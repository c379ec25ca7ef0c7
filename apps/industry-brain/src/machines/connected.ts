import type { CoverageRuleItem } from "@weft/db/schema";
import { type SQL, sql } from "drizzle-orm";

/** The connectivity window when a city's rule set says nothing else. */
export const DEFAULT_CONNECTED_WITHIN_HOURS = 168;

/**
 * THE definition of a connected machine, used by every page that counts them (admin, enterprise,
 * park, industry): a production machine whose newest reading is within the city's connectivity
 * window (the coverage rule's `connectedWithinHours`, 7 days by default) before `at`.
 * `production` and `lastTs` are the SQL of the machine's `production` flag and `machine_live.last_ts`.
 */
export function connectedSql(production: SQL, lastTs: SQL, at: number, withinHours: number): SQL {
  const since = new Date(at - withinHours * 3_600_000).toISOString();
  return sql`(${production} and ${lastTs} is not null and ${lastTs} >= ${since}::timestamptz)`;
}

/** The connectivity window (hours) a city's coverage rule set gives, completed with the default. */
export function connectedWindowOf(rules: readonly CoverageRuleItem[]): number {
  const rule = rules.find((r) => r.item === "connectivity");
  const v = rule?.threshold?.connectedWithinHours;
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : DEFAULT_CONNECTED_WITHIN_HOURS;
}
