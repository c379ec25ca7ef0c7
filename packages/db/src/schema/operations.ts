import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { cities, enterprises, parks } from "./assets.ts";
import { users } from "./auth.ts";

/** What an alert rule watches (see the brain's `alerts/rules.ts` for each one's meaning). */
export const ALERT_KINDS = [
  "machine-down",
  "oee-below",
  "gateway-silent",
  "gateway-backlog",
  "data-stale",
  "coverage-below",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const WEBHOOK_FORMATS = ["json", "dingtalk", "wecom"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** Thresholds of a rule; which ones apply depends on the kind. */
export interface AlertParams {
  minutes?: number;
  ratio?: number;
}

/**
 * An alert rule, set in the UI without code. Its scope is a city, a park or an enterprise (the most
 * specific id set wins); `cityId` is always set so the walls can filter rules like parks.
 */
export const alertRules = pgTable(
  "alert_rules",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    cityId: integer()
      .notNull()
      .references(() => cities.id, { onDelete: "cascade" }),
    parkId: integer().references(() => parks.id, { onDelete: "cascade" }),
    enterpriseId: integer().references(() => enterprises.id, { onDelete: "cascade" }),
    name: text().notNull(),
    kind: text().$type<AlertKind>().notNull(),
    params: jsonb().$type<AlertParams>().notNull(),
    webhookUrl: text(),
    webhookFormat: text().$type<WebhookFormat>().notNull().default("json"),
    /** HMAC key of the webhook (DingTalk's SEC… secret, or the generic webhook's key); never returned. */
    webhookSecret: text(),
    enabled: boolean().notNull().default(true),
    createdBy: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.cityId), index().on(t.parkId), index().on(t.enterpriseId)],
);

/**
 * One alert: a rule firing for one subject (`machine:12`, `gateway:gw-1`, `park:3`). At most one
 * unresolved alert per rule and subject, so an evaluator restart never opens a duplicate.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    ruleId: integer()
      .notNull()
      .references(() => alertRules.id, { onDelete: "cascade" }),
    subject: text().notNull(),
    subjectLabel: text().notNull(),
    /** The subject's English label where its names have one. */
    subjectLabelEn: text(),
    status: text().$type<AlertStatus>().notNull().default("open"),
    /** The observed figure when it opened (minutes, or a 0..1 ratio). */
    value: doublePrecision(),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp({ withTimezone: true }),
    acknowledgedBy: integer().references(() => users.id, { onDelete: "set null" }),
    resolvedAt: timestamp({ withTimezone: true }),
    /** Null with `resolvedAt` set: resolved by the evaluator when the condition cleared. */
    resolvedBy: integer().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("alerts_one_unresolved").on(t.ruleId, t.subject).where(sql`${t.status} <> 'resolved'`),
    index().on(t.status, t.openedAt),
  ],
);

/** Who did what to an alert, when (open, acknowledge, resolve). */
export const alertEvents = pgTable(
  "alert_events",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    alertId: bigint({ mode: "number" })
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    action: text().$type<"open" | "acknowledge" | "resolve">().notNull(),
    /** Null: the evaluator. */
    actorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.alertId, t.at)],
);

/** The webhook outbox: one row per alert and event, retried with backoff until delivered or given up. */
export const alertDeliveries = pgTable(
  "alert_deliveries",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    alertId: bigint({ mode: "number" })
      .notNull()
      .references(() => alerts.id, { onDelete: "cascade" }),
    event: text().$type<"open" | "resolve">().notNull(),
    status: text().$type<"pending" | "delivered" | "failed">().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastError: text(),
    deliveredAt: timestamp({ withTimezone: true }),
  },
  (t) => [unique().on(t.alertId, t.event), index().on(t.status, t.nextAttemptAt)],
);

/** A printing order created ahead of the run; the press's `job` signal links to it by `jobId`. */
export const jobOrders = pgTable(
  "job_orders",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    enterpriseId: integer()
      .notNull()
      .references(() => enterprises.id, { onDelete: "cascade" }),
    jobId: text().notNull(),
    customer: text().notNull().default(""),
    plannedQty: doublePrecision(),
    createdBy: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.enterpriseId, t.jobId)],
);

/** An enterprise's settlement rates (per machine-hour, kWh, 1,000 sheets; waste allowance 0..1). */
export const settlementRates = pgTable(
  "settlement_rates",
  {
    enterpriseId: integer()
      .primaryKey()
      .references(() => enterprises.id, { onDelete: "cascade" }),
    perMachineHour: doublePrecision().notNull().default(0),
    perKwh: doublePrecision().notNull().default(0),
    perThousandSheets: doublePrecision().notNull().default(0),
    wasteAllowance: doublePrecision().notNull().default(0),
    currency: text().notNull().default("CNY"),
    updatedBy: integer().references(() => users.id, { onDelete: "set null" }),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("settlement_rates_allowance", sql`${t.wasteAllowance} >= 0 and ${t.wasteAllowance} <= 1`)],
);

/** A read-only wall-display token for a city or one park; only its SHA-256 is stored. */
export const displayTokens = pgTable(
  "display_tokens",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    cityId: integer()
      .notNull()
      .references(() => cities.id, { onDelete: "cascade" }),
    parkId: integer().references(() => parks.id, { onDelete: "cascade" }),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    createdBy: integer().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.cityId)],
);
