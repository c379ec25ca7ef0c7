import { doublePrecision, index, integer, pgTable, primaryKey, timestamp } from "drizzle-orm/pg-core";

/**
 * Summed time (seconds) and quantity elements per machine and bucket (ISO 22400: sum, then divide).
 * running_s = APT, setup_s = AUST, down_s = ADET, idle_s = ADOT, offline_s = unknown time.
 * Microstops count as running time; their count and seconds are kept apart. failures = number of
 * down intervals starting in the bucket (MTBF = running_s / failures, MTTR = down_s / failures).
 */
function rollupColumns() {
  return { machineId: integer().notNull(), ...valueColumns() };
}

function valueColumns() {
  return {
    bucket: timestamp({ withTimezone: true }).notNull(),
    runningS: doublePrecision().notNull().default(0),
    setupS: doublePrecision().notNull().default(0),
    downS: doublePrecision().notNull().default(0),
    idleS: doublePrecision().notNull().default(0),
    offlineS: doublePrecision().notNull().default(0),
    produced: doublePrecision().notNull().default(0),
    good: doublePrecision().notNull().default(0),
    scrap: doublePrecision().notNull().default(0),
    rework: doublePrecision().notNull().default(0),
    energyKwh: doublePrecision().notNull().default(0),
    microstops: integer().notNull().default(0),
    microstopS: doublePrecision().notNull().default(0),
    /** Σ ideal cycle × produced (PRU × PQ), so effectiveness sums correctly across machines. */
    idealS: doublePrecision().notNull().default(0),
    /** Failures (down intervals that are not microstops), counted in the bucket where they start. MTTR's time is down_s. */
    failures: integer().notNull().default(0),
  };
}

/** Additive minute buckets (UTC minute start). Writers add; late readings add to the right bucket. */
export const machineMinuteRollups = pgTable("machine_minute_rollups", rollupColumns(), (t) => [
  primaryKey({ columns: [t.machineId, t.bucket] }),
]);

/** Hour buckets (start of the hour in the enterprise time zone), recomputed from minutes. */
export const machineHourlyRollups = pgTable("machine_hourly_rollups", rollupColumns(), (t) => [
  primaryKey({ columns: [t.machineId, t.bucket] }),
]);

/** Day buckets (local midnight in the enterprise time zone), recomputed from minutes. */
export const machineDailyRollups = pgTable("machine_daily_rollups", rollupColumns(), (t) => [
  primaryKey({ columns: [t.machineId, t.bucket] }),
]);

/**
 * Day buckets of a whole enterprise (local midnight in its time zone): the sum of its machines' daily
 * rollups, kept by the same ingest statement (one row per enterprise and day a batch touches, not one
 * per machine). A scope that holds all of an enterprise's machines (a city, a park, an industry) reads
 * these instead of ten or a thousand machine rows.
 */
export const enterpriseDailyRollups = pgTable(
  "enterprise_daily_rollups",
  { enterpriseId: integer().notNull(), ...valueColumns() },
  // A city's range reads a month of days of every enterprise: by bucket, not enterprise by enterprise.
  (t) => [primaryKey({ columns: [t.enterpriseId, t.bucket] }), index().on(t.bucket)],
);

/** Month buckets of a whole enterprise (local midnight of the 1st in its time zone), as the daily ones. */
export const enterpriseMonthlyRollups = pgTable(
  "enterprise_monthly_rollups",
  { enterpriseId: integer().notNull(), ...valueColumns() },
  (t) => [primaryKey({ columns: [t.enterpriseId, t.bucket] })],
);

/** Numeric fields shared by all rollup tables, in column order. */
export const ROLLUP_FIELDS = [
  "runningS",
  "setupS",
  "downS",
  "idleS",
  "offlineS",
  "produced",
  "good",
  "scrap",
  "rework",
  "energyKwh",
  "microstops",
  "microstopS",
  "idealS",
  "failures",
] as const;
export type RollupField = (typeof ROLLUP_FIELDS)[number];
