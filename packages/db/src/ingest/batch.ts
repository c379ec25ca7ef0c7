import { type SQL, sql } from "drizzle-orm";
import { queryPrepared } from "../internal/rows.ts";
import { ensurePartitionDays } from "../partitions.ts";
import type { WeftDb, WeftExecutor, WeftTx } from "../types.ts";
import { DEFAULT_CHUNK_SIZE, type EncodedReadings, encodeReadings, type ReadingRow } from "./encode.ts";
import { type InsertReadingsOptions, insertReadings } from "./readings.ts";

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
  const rows = await queryPrepared<{ fresh: number }>(db, recordBatchSql(gatewayId, seq, readingCount));
  return (rows[0]?.fresh ?? 0) > 0;
}

/** The dedupe statement: records (gateway, seq) and bumps the gateway; `fresh` is 0 for a replay. */
function recordBatchSql(gatewayId: string, seq: number, readingCount: number): SQL {
  return sql`with b as (
      insert into ingested_batches (gateway_id, seq, reading_count)
      values (${gatewayId}, ${seq}, ${readingCount})
      on conflict (gateway_id, seq) do nothing
      returning seq
    ), g as (
      update gateways set last_seq = greatest(coalesce(gateways.last_seq, b.seq), b.seq), last_seen_at = now()
      from b where gateways.id = ${gatewayId}
      returning 1
    )
    select count(*)::int as fresh from b`;
}

export interface RawBatch {
  gatewayId: string;
  seq: number;
  /** The readings, as rows or already encoded (the ingest path encodes while it validates). */
  rows: readonly ReadingRow[] | EncodedReadings;
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
  const enc =
    "parts" in batch.rows ? batch.rows : encodeReadings(batch.rows, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  // Outside the transaction: creating a partition locks the parent table; do not hold that lock.
  await ensurePartitionDays(db, enc.days);
  return db.transaction(async (tx) => {
    if (!(await recordBatch(tx, batch.gatewayId, batch.seq, enc.count)))
      return { duplicate: true, inserted: 0 };
    await insertReadings(tx, enc, { ensurePartitions: false });
    if (options.afterInsert) await options.afterInsert(tx);
    return { duplicate: false, inserted: enc.count };
  });
}
