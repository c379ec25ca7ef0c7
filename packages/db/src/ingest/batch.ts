import { SEQ_STATE_LIMIT, WeftError } from "@weft/core";
import { sql } from "drizzle-orm";
import { pgArray } from "../internal/pg-array.ts";
import { queryPrepared } from "../internal/rows.ts";
import { ensurePartitionDays } from "../partitions.ts";
import type { WeftDb, WeftExecutor, WeftTx } from "../types.ts";
import { DEFAULT_CHUNK_SIZE, type EncodedReadings, encodeReadings, type ReadingRow } from "./encode.ts";
import { type InsertReadingsOptions, insertReadings } from "./readings.ts";

/** One gateway batch as the dedupe record knows it. */
export interface BatchPartRecord {
  seq: number;
  count: number;
  /** Digest of the batch's readings (16 bytes); null when the caller has none. */
  digest?: Uint8Array | null;
}

/** Which of a upload's parts are new, which were stored before with the same readings, which clash. */
export interface RecordedParts {
  fresh: Set<number>;
  duplicates: number[];
  /** Seqs stored before with a different digest: the gateway reused them for other readings. */
  conflicts: number[];
}

const hex = (d: Uint8Array | null | undefined) => (d ? Buffer.from(d).toString("hex") : null);

/**
 * Record the (gateway, seq) of every part and bump the gateway's `last_seq`/`last_seen_at`. A part
 * already recorded is a duplicate when its digest matches (or either side has none: rows from
 * before digests), else a conflict. The gateway row must exist.
 */
export async function recordBatchParts(
  db: WeftExecutor,
  gatewayId: string,
  parts: readonly BatchPartRecord[],
): Promise<RecordedParts> {
  const rows = await queryPrepared<{ seq: string | number }>(
    db,
    sql`with ins as (
      insert into ingested_batches (gateway_id, seq, reading_count, digest)
      select ${gatewayId}, p.seq, p.n, decode(p.d, 'hex')
      from unnest(${pgArray(
        parts.map((p) => p.seq),
        "int8",
      )}, ${pgArray(
        parts.map((p) => p.count),
        "int4",
      )}, ${pgArray(
        parts.map((p) => hex(p.digest)),
        "text",
      )}) as p(seq, n, d)
      on conflict (gateway_id, seq) do nothing
      returning seq
    ), g as (
      update gateways set last_seq = greatest(coalesce(gateways.last_seq, m.seq), m.seq), last_seen_at = now()
      from (select max(seq) as seq from ins) m where gateways.id = ${gatewayId} and m.seq is not null
      returning 1
    )
    select seq from ins`,
  );
  const fresh = new Set(rows.map((r) => Number(r.seq)));
  const seen = parts.filter((p) => !fresh.has(p.seq));
  const out: RecordedParts = { fresh, duplicates: [], conflicts: [] };
  if (seen.length === 0) return out;
  // A new statement: it also sees a racing insert of the same seq that committed meanwhile.
  const stored = await queryPrepared<{ seq: string | number; d: string | null }>(
    db,
    sql`select seq, encode(digest, 'hex') as d from ingested_batches
        where gateway_id = ${gatewayId} and seq = any(${pgArray(
          seen.map((p) => p.seq),
          "int8",
        )})`,
  );
  const digestOf = new Map(stored.map((r) => [Number(r.seq), r.d]));
  for (const p of seen) {
    const before = digestOf.get(p.seq) ?? null;
    const mine = hex(p.digest);
    if (before === null || mine === null || before === mine) out.duplicates.push(p.seq);
    else out.conflicts.push(p.seq);
  }
  return out;
}

/** Record that batch (gateway, seq) was ingested; false when the pair was already recorded. */
export async function recordBatch(
  db: WeftExecutor,
  gatewayId: string,
  seq: number,
  readingCount: number,
): Promise<boolean> {
  const r = await recordBatchParts(db, gatewayId, [{ seq, count: readingCount }]);
  return r.fresh.size > 0;
}

export interface RawBatch {
  gatewayId: string;
  seq: number;
  /** The readings, as rows or already encoded (the ingest path encodes while it validates). */
  rows: readonly ReadingRow[] | EncodedReadings;
  /** Digest of the readings, for a batch without `parts`. */
  digest?: Uint8Array | null;
  /** A merged upload's gateway batches in order (default: one part, `seq` with every row). */
  parts?: readonly BatchPartRecord[];
}

export interface IngestRawBatchOptions extends Pick<InsertReadingsOptions, "chunkSize"> {
  /**
   * Runs inside the same transaction after the readings were inserted (not for duplicates), so
   * derived data (state intervals, rollups, live state) commits atomically with the batch.
   * `fresh` holds the seqs of the parts that were new.
   */
  afterInsert?: (tx: WeftTx, fresh: ReadonlySet<number>) => Promise<unknown>;
  /**
   * The rows of just these parts, when some parts of a merged upload were stored before (a
   * replay whose batches were merged differently). Required for uploads with several parts.
   */
  rowsOfParts?: (fresh: ReadonlySet<number>) => readonly ReadingRow[] | EncodedReadings;
}

export interface IngestRawBatchResult {
  /** True when every part was already stored: nothing was written. */
  duplicate: boolean;
  inserted: number;
  /** Seqs of the parts that were already stored (replays), in order. */
  duplicateParts: number[];
}

/**
 * Store a batch's raw readings and its dedupe records atomically (one transaction). A replayed
 * batch — even one racing the original from another connection — inserts nothing; a part whose
 * seq was stored with other readings throws `SEQ_CONFLICT` and nothing of the upload is stored.
 * @example const { duplicate } = await ingestRawBatch(db, { gatewayId: "gw-1", seq: 42, rows });
 */
export async function ingestRawBatch(
  db: WeftDb,
  batch: RawBatch,
  options: IngestRawBatchOptions = {},
): Promise<IngestRawBatchResult> {
  const chunk = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const encode = (rows: readonly ReadingRow[] | EncodedReadings) =>
    "parts" in rows ? rows : encodeReadings(rows, chunk);
  const enc = encode(batch.rows);
  const parts = batch.parts ?? [{ seq: batch.seq, count: enc.count, digest: batch.digest ?? null }];
  // Outside the transaction: creating a partition locks the parent table; do not hold that lock.
  await ensurePartitionDays(db, enc.days);
  return db.transaction(async (tx) => {
    const r = await recordBatchParts(tx, batch.gatewayId, parts);
    if (r.conflicts.length > 0) throw await conflictError(tx, batch.gatewayId, r.conflicts);
    if (r.fresh.size === 0) return { duplicate: true, inserted: 0, duplicateParts: r.duplicates };
    let rows = enc;
    if (r.duplicates.length > 0) {
      if (!options.rowsOfParts) throw new Error("rowsOfParts is required for uploads with several parts");
      rows = encode(options.rowsOfParts(r.fresh)); // a subset: its days were ensured above
    }
    await insertReadings(tx, rows, { ensurePartitions: false });
    if (options.afterInsert) await options.afterInsert(tx, r.fresh);
    return { duplicate: false, inserted: rows.count, duplicateParts: r.duplicates };
  });
}

async function conflictError(tx: WeftTx, gatewayId: string, conflicts: number[]): Promise<WeftError> {
  const [g] = await queryPrepared<{ last_seq: string | number | null }>(
    tx,
    sql`select last_seq from gateways where id = ${gatewayId}`,
  );
  const lastSeq = g?.last_seq == null ? null : Number(g.last_seq);
  const seq = Math.min(...conflicts);
  return new WeftError(
    "SEQ_CONFLICT",
    `seq ${seq} of gateway ${gatewayId} was stored before with other readings; nothing of this upload was stored`,
    {
      field: "seq",
      fix: `renumber the batches from seq ${seq} above the brain's last seq ${lastSeq ?? 0} (ingest.state) and send them again`,
      details: { seq, conflicts: conflicts.length, lastSeq },
    },
  );
}

/** The brain's view of a gateway's seqs: its highest, and the batches stored in (after, upTo]. */
export interface GatewaySeqState {
  lastSeq: number | null;
  batches: { seq: number; readings: number }[];
}

/** At most this many batches are listed per call of {@link gatewaySeqState}. */
export { SEQ_STATE_LIMIT };

export async function gatewaySeqState(
  db: WeftExecutor,
  gatewayId: string,
  range: { after: number; upTo: number } | null = null,
): Promise<GatewaySeqState> {
  const [g] = await queryPrepared<{ last_seq: string | number | null }>(
    db,
    sql`select last_seq from gateways where id = ${gatewayId}`,
  );
  const batches = range
    ? await queryPrepared<{ seq: string | number; reading_count: number }>(
        db,
        sql`select seq, reading_count from ingested_batches
            where gateway_id = ${gatewayId} and seq > ${range.after} and seq <= ${range.upTo}
            order by seq limit ${SEQ_STATE_LIMIT}`,
      )
    : [];
  return {
    lastSeq: g?.last_seq == null ? null : Number(g.last_seq),
    batches: batches.map((b) => ({ seq: Number(b.seq), readings: Number(b.reading_count) })),
  };
}
