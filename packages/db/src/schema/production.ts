import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { machines } from "./assets.ts";

/** Machine state over time; `endTs` null means the interval is still open (at most one per machine). */
export const machineStateIntervals = pgTable(
  "machine_state_intervals",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    machineId: integer()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    /** One of MACHINE_STATES from @weft/core. */
    state: text().notNull(),
    startTs: timestamp({ withTimezone: true }).notNull(),
    endTs: timestamp({ withTimezone: true }),
  },
  (t) => [
    index().on(t.machineId, t.startTs),
    uniqueIndex("machine_state_intervals_one_open").on(t.machineId).where(sql`${t.endTs} is null`),
    check("machine_state_intervals_order", sql`${t.endTs} is null or ${t.endTs} >= ${t.startTs}`),
  ],
);

/**
 * Last raw value of each counter point, so deltas can be computed across batches
 * (wrap/reset handling lives in @weft/kpi). This plus the minute rollups replaces a
 * per-reading counter-delta table: the raw readings keep the history.
 */
export const machineCounters = pgTable(
  "machine_counters",
  {
    machineId: integer()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    pointKey: text().notNull(),
    /** Counter role (goodCount, rejectCount, totalCount, energyKwh). */
    role: text().notNull(),
    lastValue: doublePrecision().notNull(),
    lastTs: timestamp({ withTimezone: true }).notNull(),
    /** When `lastValue` was sampled (the next delta is spread over the time since); null in old rows. */
    sampleTs: timestamp({ withTimezone: true }),
    /** The value after which the counter rolls over (its width, e.g. 65 535); null: the default (UInt32). */
    counterMax: doublePrecision(),
  },
  (t) => [primaryKey({ columns: [t.machineId, t.pointKey] })],
);

/**
 * Counter jumps that are neither a plausible wrap nor a reset (e.g. a wrap implying more units than the
 * machine's maximum rate allows): not counted as production, kept here so someone looks at the counter.
 */
export const counterAnomalies = pgTable(
  "counter_anomalies",
  {
    machineId: integer()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    pointKey: text().notNull(),
    role: text().notNull(),
    /** The sample that revealed the jump. */
    ts: timestamp({ withTimezone: true }).notNull(),
    /** The sample before it. */
    prevTs: timestamp({ withTimezone: true }),
    prevValue: doublePrecision().notNull(),
    value: doublePrecision().notNull(),
    /** Units the jump would have meant (not counted). */
    delta: doublePrecision().notNull(),
    /** How the jump would have been read ("wrap": a drop taken for a rollover). */
    kind: text().notNull(),
    /** Most units the machine could have made in the time (3 × the ideal rate, plus 10). */
    maxUnits: doublePrecision().notNull(),
    detectedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.machineId, t.pointKey, t.ts] }), index().on(t.machineId, t.ts)],
);

/** Live state per machine for a fast `machines.live`. */
export const machineLive = pgTable("machine_live", {
  machineId: integer()
    .primaryKey()
    .references(() => machines.id, { onDelete: "cascade" }),
  state: text(),
  /** Timestamp of the state reading that set `state`. */
  stateTs: timestamp({ withTimezone: true }),
  /** Since when the machine has been in `state`. */
  stateSince: timestamp({ withTimezone: true }),
  jobId: text(),
  /** Newest reading timestamp of any point. */
  lastTs: timestamp({ withTimezone: true }).notNull(),
  /** Server time the last batch for this machine arrived. */
  lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Per-job totals per machine. */
export const jobs = pgTable(
  "jobs",
  {
    machineId: integer()
      .notNull()
      .references(() => machines.id, { onDelete: "cascade" }),
    jobId: text().notNull(),
    firstTs: timestamp({ withTimezone: true }).notNull(),
    lastTs: timestamp({ withTimezone: true }).notNull(),
    produced: doublePrecision().notNull().default(0),
    good: doublePrecision().notNull().default(0),
    waste: doublePrecision().notNull().default(0),
    runS: doublePrecision().notNull().default(0),
    setupS: doublePrecision().notNull().default(0),
    energyKwh: doublePrecision().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.machineId, t.jobId] }), index().on(t.machineId, t.lastTs)],
);
