import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { cities, enterprises, parks } from "./assets.ts";

export const USER_ROLES = ["city-admin", "park-manager", "enterprise-user"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/**
 * A person who signs in to park-admin. Scope by role: a city-admin sees `cityId`;
 * a park-manager sees the parks in `user_parks`; an enterprise-user sees `enterpriseId`.
 */
export const users = pgTable(
  "users",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** Stored lower-cased; unique. */
    email: text().notNull(),
    name: text().notNull().default(""),
    passwordHash: text().notNull(),
    role: text().$type<UserRole>().notNull(),
    cityId: integer().references(() => cities.id),
    enterpriseId: integer().references(() => enterprises.id),
    locale: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    disabledAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("users_email_unique").on(sql`lower(${t.email})`),
    check("users_role_valid", sql`${t.role} in ('city-admin', 'park-manager', 'enterprise-user')`),
    check("users_enterprise_scope", sql`${t.role} <> 'enterprise-user' or ${t.enterpriseId} is not null`),
  ],
);

/** Parks a park-manager may see and manage. */
export const userParks = pgTable(
  "user_parks",
  {
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    parkId: integer()
      .notNull()
      .references(() => parks.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.parkId] }), index().on(t.parkId)],
);

/** Sign-in sessions; only a hash of the bearer token is stored. */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text().primaryKey(),
    userId: integer()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index().on(t.userId), index().on(t.expiresAt)],
);

/** Who did what to which object. `actor` is e.g. `user:12` or `gateway:gw-1`. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    actor: text().notNull(),
    actorUserId: integer().references(() => users.id, { onDelete: "set null" }),
    action: text().notNull(),
    target: text().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    details: jsonb().$type<Record<string, unknown>>(),
  },
  (t) => [index().on(t.at), index().on(t.target, t.at)],
);

/**
 * Fixed-window hit counters shared by every brain process (login attempts, ingest batches), so a
 * limit holds however many replicas serve behind the load balancer. The migration makes it UNLOGGED
 * (drizzle cannot say so): losing the counters in a crash only resets the current windows.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text().primaryKey(),
  windowStart: timestamp({ withTimezone: true }).notNull(),
  hits: integer().notNull(),
});

/**
 * Sign-in throttles, shared by every brain process: per address and account, per address, and per
 * account for addresses it never signed in from (`auth/login-throttle.ts`). A key's `failures`
 * grow with each attempt (counted before the password hash) and past a free number lock the key
 * for an exponentially growing delay; a `known:` key records an address an account signed in from.
 */
export const loginThrottle = pgTable(
  "login_throttle",
  {
    key: text().primaryKey(),
    failures: integer().notNull().default(0),
    lockedUntil: timestamp({ withTimezone: true }),
    lastAt: timestamp({ withTimezone: true }).notNull(),
    /** Whether the last attempt was refused (so one upsert says so in its RETURNING). */
    refused: boolean().notNull().default(false),
  },
  (t) => [index().on(t.lastAt)],
);
