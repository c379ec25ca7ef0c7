import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { cities, enterprises, parks } from "./assets.ts";
import { users } from "./auth.ts";

/** One configurable checklist item (see docs/domain/coverage.md). */
export interface CoverageRuleItem {
  item: string;
  level: "enterprise" | "park";
  kind: "measured" | "declared" | "measured-or-declared";
  required: boolean;
  weight: number;
  /** Item-specific thresholds, e.g. `{ "minRatio": 0.5 }` or `{ "withinHours": 24 }`. */
  threshold?: Record<string, number | string | boolean>;
}

/** A city's coverage rule set; one row per city (absent → built-in defaults). */
export const coverageRuleSets = pgTable("coverage_rule_sets", {
  cityId: integer()
    .primaryKey()
    .references(() => cities.id, { onDelete: "cascade" }),
  items: jsonb().$type<CoverageRuleItem[]>().notNull(),
  updatedBy: integer().references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Declared checklist values, kept as history: the current value of an item is the newest row
 * for (enterprise or park, item). Exactly one of `enterpriseId` / `parkId` is set.
 */
export const coverageDeclarations = pgTable(
  "coverage_declarations",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    enterpriseId: integer().references(() => enterprises.id, { onDelete: "cascade" }),
    parkId: integer().references(() => parks.id, { onDelete: "cascade" }),
    item: text().notNull(),
    /** `true`/`false` for flags, or a JSON value (e.g. `{ "grade": 2 }`, `{ "month": "2026-10" }`). */
    value: jsonb().notNull(),
    declaredBy: integer().references(() => users.id, { onDelete: "set null" }),
    declaredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    evidenceUrl: text(),
    note: text(),
  },
  (t) => [
    index().on(t.enterpriseId, t.item, t.declaredAt),
    index().on(t.parkId, t.item, t.declaredAt),
    check("coverage_declarations_one_scope", sql`(${t.enterpriseId} is null) <> (${t.parkId} is null)`),
  ],
);

/** Daily coverage figures per park and city, for charts over time. */
export const coverageSnapshots = pgTable(
  "coverage_snapshots",
  {
    day: date({ mode: "string" }).notNull(),
    /** `city` or `park`. */
    scope: text().$type<"city" | "park">().notNull(),
    scopeId: integer().notNull(),
    covered: integer().notNull(),
    total: integer().notNull(),
    /** Met: whether the scope itself meets its checklist (park digitalized). */
    met: boolean(),
    details: jsonb().$type<Record<string, unknown>>(),
    computedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.scope, t.scopeId] }),
    check("coverage_snapshots_scope", sql`${t.scope} in ('city', 'park')`),
  ],
);
