import { type SQL, sql } from "drizzle-orm";
import { queryRows } from "../internal/rows.ts";
import { ensurePartitionDays } from "../partitions.ts";
import type { WeftDb, WeftExecutor, WeftTx } from "../types.ts";
import { type ReadingColumns, type ReadingRow, toColumns } from "./encode.ts";
import {
  DEFAULT_CHUNK_SIZE,
  daysOf,
  INSERT_READINGS,
  type InsertReadingsOptions,
  insertReadings,
  readingsSource,
} from "./readings.ts";

/**
 * Record that batch (gateway, seq) was ingested and bump the gateway's `last_seq`/`last_seen_at`,
 * in one statement. Returns false when the pair was already recorded (a replay).
 * The gateway row must exist.
 */
export async function recordBatch(
  db: WeftExecutor,
  gatewayId: string,
  seq: number,
  readingCount: number,
): Promise<boolean> {
  const rows = await queryRows<{ fresh: number }>(db, recordBatchSql(gatewayId, seq, readingCount));
  return (rows[0]?.fresh ?? 0) > 0;
}

/**
 * The dedupe statement; with `rows`, the same statement also inserts them only when the batch is
 * new (one round trip for the common single-chunk batch).
 */
function recordBatchSql(gatewayId: string, seq: number, readingCount: number, rows?: ReadingColumns): SQL {
  return sql`with b as (
      insert into ingested_batches (gateway_id, seq, reading_count)
      values (${gatewayId}, ${seq}, ${readingCount})
      on conflict (gateway_id, seq) do nothing
      returning seq
    ), g as (
      update gateways set last_seq = greatest(coalesce(gateways.last_seq, b.seq), b.seq), last_seen_at = now()
      from b where gateways.id = ${gatewayId}
      returning 1
    )${rows ? sql`, r as (${INSERT_READINGS} ${readingsSource(rows, sql`b`)})` : sql``}
    select count(*)::int as fresh from b`;
}

export interface RawBatch {
  gatewayId: string;
  seq: number;
  rows: readonly ReadingRow[];
}

export interface IngestRawBatchOptions extends Pick<InsertReadingsOptions, "chunkSize"> {
  /**
   * Runs inside the same transaction after the readings were inserted (not for duplicates), so
   * derived data (state intervals, rollups, live state) commits atomically with the batch.
   */
  afterInsert?: (tx: WeftTx) => Promise<unknown>;
}

export interface IngestRawBatchResult {
  /** True when (gateway, seq) was already stored: nothing was written. */
  duplicate: boolean;
  inserted: number;
}

/**
 * Store a batch's raw readings and its dedupe record atomically (one transaction).
 * A replayed batch — even one racing the original from another connection — inserts nothing.
 * @example const { duplicate } = await ingestRawBatch(db, { gatewayId: "gw-1", seq: 42, rows });
 */
export async function ingestRawBatch(
  db: WeftDb,
  batch: RawBatch,
  options: IngestRawBatchOptions = {},
): Promise<IngestRawBatchResult> {
  // Outside the transaction: creating a partition locks the parent table; do not hold that lock.
  await ensurePartitionDays(db, daysOf(batch.rows));
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  return db.transaction(async (tx) => {
    const { gatewayId, seq, rows } = batch;
    const single = rows.length > 0 && rows.length <= chunkSize;
    const recorded = await queryRows<{ fresh: number }>(
      tx,
      recordBatchSql(gatewayId, seq, rows.length, single ? toColumns(rows) : undefined),
    );
    if ((recorded[0]?.fresh ?? 0) === 0) return { duplicate: true, inserted: 0 };
    const inserted = single
      ? rows.length
      : await insertReadings(tx, rows, { ensurePartitions: false, chunkSize });
    if (options.afterInsert) await options.afterInsert(tx);
    return { duplicate: false, inserted };
  });
}
