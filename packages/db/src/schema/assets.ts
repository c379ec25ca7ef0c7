import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  unique,
} from "drizzle-orm/pg-core";

/**
 * The asset tree: city → park → enterprise → line → machine → point.
 * Every level has an integer identity `id` (compact in readings and rollups) and a
 * human-chosen `key` (what gateway configs and URLs use).
 */
export const cities = pgTable("cities", {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  key: text().notNull().unique(),
  name: text().notNull(),
  nameEn: text(),
  timeZone: text().notNull().default("Asia/Shanghai"),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const parks = pgTable(
  "parks",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    key: text().notNull().unique(),
    cityId: integer()
      .notNull()
      .references(() => cities.id),
    name: text().notNull(),
    nameEn: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index().on(t.cityId)],
);

export const enterprises = pgTable(
  "enterprises",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    key: text().notNull().unique(),
    parkId: integer()
      .notNull()
      .references(() => parks.id),
    name: text().notNull(),
    nameEn: text(),
    /** 统一社会信用代码 (GB 32100-2015), 18 characters. */
    creditCode: text().notNull().unique(),
    /** GB/T 4754-2017 code, e.g. `C23`. */
    industryCode: text().notNull(),
    /** 规上: above designated size. */
    aboveScale: boolean().notNull().default(false),
    /** Production machines the enterprise declares (denominator of 设备联网率). */
    declaredMachines: integer().notNull().default(0),
    timeZone: text().notNull().default("Asia/Shanghai"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index().on(t.parkId),
    index().on(t.industryCode),
    check("enterprises_declared_machines_nonneg", sql`${t.declaredMachines} >= 0`),
  ],
);

export const lines = pgTable(
  "lines",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    key: text().notNull(),
    enterpriseId: integer()
      .notNull()
      .references(() => enterprises.id),
    name: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique().on(t.enterpriseId, t.key)],
);

export const machines = pgTable(
  "machines",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /**
     * Unique within its enterprise (not across the brain): gateways name machines by key, and one
     * enterprise's gateway must never be able to claim, or block, a key another enterprise uses.
     */
    key: text().notNull(),
    enterpriseId: integer()
      .notNull()
      .references(() => enterprises.id),
    lineId: integer().references(() => lines.id),
    name: text().notNull(),
    /** One of MACHINE_KINDS from @weft/core. */
    kind: text().notNull().default("generic-machine"),
    /** Counts toward 设备联网率. */
    production: boolean().notNull().default(true),
    /** Device profile name, e.g. `printing-press`. */
    profile: text(),
    /** Ideal cycle time in seconds (PRU); null when unknown. */
    idealCycleS: doublePrecision(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("machines_enterprise_key_unique").on(t.enterpriseId, t.key),
    index().on(t.key),
    index().on(t.lineId),
  ],
);

export const points = pgTable(
  "points",
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    machineId: integer()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    key: text().notNull(),
    unit: text(),
    dataType: text(),
    /** Signal role (SIGNAL_ROLES in @weft/core) when a profile maps this point. */
    signal: text(),
  },
  (t) => [unique().on(t.machineId, t.key)],
);
