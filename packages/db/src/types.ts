import type { ExtractTablesWithRelations } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.ts";

export type WeftSchema = typeof schema;

/**
 * One drizzle type for both drivers (PGlite and postgres.js): write queries once.
 * Raw `execute` results differ by driver; use `queryRows` / `handle.query` for raw SQL.
 */
export type WeftDb = PgDatabase<PgQueryResultHKT, WeftSchema>;

/** The transaction object `db.transaction(async (tx) => …)` passes. */
export type WeftTx = PgTransaction<PgQueryResultHKT, WeftSchema, ExtractTablesWithRelations<WeftSchema>>;

/** Something queries can run on: the db or a transaction. */
export type WeftExecutor = WeftDb | WeftTx;

export type DbDriver = "pglite" | "postgres";
