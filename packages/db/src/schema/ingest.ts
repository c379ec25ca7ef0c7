import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { enterprises } from "./assets.ts";

/** An edge gateway; it authenticates with an API key whose prefix is stored in clear for lookup. */
export const gateways = pgTable(
  "gateways",
  {
    id: text().primaryKey(),
    enterpriseId: integer()
      .notNull()
      .references(() => enterprises.id),
    name: text().notNull(),
    apiKeyHash: text().notNull(),
    apiKeyPrefix: text().notNull().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
    lastSeenAt: timestamp({ withTimezone: true }),
    /** Highest batch seq accepted so far (informational; dedupe is `ingested_batches`). */
    lastSeq: bigint({ mode: "number" }),
  },
  (t) => [index().on(t.enterpriseId)],
);

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => "bytea" });

/**
 * One row per accepted (gateway, seq): the exactly-once record. `digest` (16 bytes of a SHA-256 over
 * the batch's readings) tells a replay of the same batch (a duplicate) from a reused seq carrying
 * other readings (a conflict, refused); rows stored before it existed have none and count as replays.
 */
export const ingestedBatches = pgTable(
  "ingested_batches",
  {
    gatewayId: text()
      .notNull()
      .references(() => gateways.id, { onDelete: "cascade" }),
    seq: bigint({ mode: "number" }).notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    readingCount: integer().notNull(),
    digest: bytea(),
  },
  (t) => [primaryKey({ columns: [t.gatewayId, t.seq] })],
);

/** Quality codes stored in `readings.quality`: 0 good, 1 uncertain, 2 bad. */
export const QUALITY_CODES = { good: 0, uncertain: 1, bad: 2 } as const;

/**
 * Raw readings. In the database this is a native RANGE-partitioned table on `ts`
 * (one partition per UTC day plus `readings_default`), created by a custom migration.
 * No foreign keys and only a BRIN index on `ts`, so ingest stays fast.
 * Value encoding: numbers → valueNum; strings → valueText; booleans → valueNum 0/1 and
 * valueJson true/false; arrays/objects → valueJson; null → all three null.
 */
export const readings = pgTable(
  "readings",
  {
    machineId: integer().notNull(),
    pointKey: text().notNull(),
    ts: timestamp({ withTimezone: true }).notNull(),
    valueNum: doublePrecision(),
    valueText: text(),
    valueJson: jsonb(),
    quality: smallint().notNull().default(0),
    status: text(),
    signal: text(),
  },
  (t) => [
    // BRIN only: a btree on (machine_id, ts) costs ~35% of ingest throughput. Time windows are
    // found by partition pruning plus this index; KPIs read the rollups, not raw readings.
    index("readings_ts_brin").using("brin", t.ts),
    check("readings_quality_code", sql`${t.quality} between 0 and 2`),
  ],
);
