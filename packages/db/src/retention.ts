import { sql } from "drizzle-orm";
import { queryRows } from "./internal/rows.ts";
import { forgetPartitions, listPartitions } from "./partitions.ts";
import type { WeftDb } from "./types.ts";

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** Keep raw readings of today (UTC) and this many full days before it (default 90). */
  keepDays?: number;
  /** Clock for the cutoff (default Date.now()). */
  now?: number | Date;
  /**
   * Also delete dedupe records received before the cutoff (default true). A replay of such an old
   * batch would be stored again, but its readings would be older than the retention window anyway.
   */
  purgeBatchLog?: boolean;
}

export interface RetentionResult {
  /** Cutoff: raw readings before this instant (UTC midnight) are gone. */
  cutoff: Date;
  droppedPartitions: string[];
  /** Rows deleted from `readings_default` older than the cutoff. */
  defaultRowsDeleted: number;
  /** Dedupe records (`ingested_batches`) received before the cutoff that were deleted. */
  batchRecordsDeleted: number;
  /** `ingest.batch` audit entries before the cutoff that were deleted (other audit entries stay). */
  ingestAuditDeleted: number;
}

/**
 * Drop whole daily partitions of raw readings that end at or before the cutoff
 * (UTC midnight `keepDays` days before `now`), and purge old rows from the default partition.
 * Rollups, jobs and state intervals are kept.
 * @example await dropExpiredPartitions(db, { keepDays: 90 });
 */
export async function dropExpiredPartitions(
  db: WeftDb,
  options: RetentionOptions = {},
): Promise<RetentionResult> {
  const keepDays = options.keepDays ?? 90;
  if (!Number.isInteger(keepDays) || keepDays < 1)
    throw new RangeError("keepDays must be a positive integer");
  const now = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  const cutoffMs = (Math.floor(now / DAY_MS) - keepDays) * DAY_MS;
  const dropped: string[] = [];
  for (const p of await listPartitions(db)) {
    if (p.fromMs === null || p.fromMs + DAY_MS > cutoffMs) continue;
    // Same lock as partition creation, so a concurrent ensure does not race the drop.
    await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('weft.readings.partitions'))`);
      await tx.execute(sql.raw(`drop table if exists "${p.name}"`));
    });
    dropped.push(p.name);
  }
  const deleted = await queryRows<{ n: number }>(
    db,
    sql`with d as (delete from readings_default where ts < to_timestamp(${cutoffMs}::float8 / 1000.0) returning 1)
        select count(*)::int as n from d`,
  );
  let batchRecordsDeleted = 0;
  let ingestAuditDeleted = 0;
  if (options.purgeBatchLog !== false) {
    const b = await queryRows<{ n: number }>(
      db,
      sql`with d as (delete from ingested_batches where received_at < to_timestamp(${cutoffMs}::float8 / 1000.0) returning 1)
          select count(*)::int as n from d`,
    );
    batchRecordsDeleted = b[0]?.n ?? 0;
    // Each batch is also audited; those entries describe raw data that is gone now. Every other
    // audit entry (people's and the system's writes) is kept.
    const a = await queryRows<{ n: number }>(
      db,
      sql`with d as (delete from audit_log where action = 'ingest.batch'
            and at < to_timestamp(${cutoffMs}::float8 / 1000.0) returning 1)
          select count(*)::int as n from d`,
    );
    ingestAuditDeleted = a[0]?.n ?? 0;
  }
  if (dropped.length > 0) forgetPartitions(db);
  return {
    cutoff: new Date(cutoffMs),
    droppedPartitions: dropped,
    defaultRowsDeleted: deleted[0]?.n ?? 0,
    batchRecordsDeleted,
    ingestAuditDeleted,
  };
}

export interface DiskUsage {
  /** Bytes (tables + indexes + TOAST) per family. */
  readings: number;
  rollups: number;
  state: number;
  ingestLog: number;
  other: number;
  total: number;
  /** Number of raw-reading partitions, default included. */
  readingPartitions: number;
}

/** Bytes used per table family, from pg_total_relation_size. */
export async function diskUsage(db: WeftDb): Promise<DiskUsage> {
  const rows = await queryRows<{ name: string; bytes: string | number; part: boolean }>(
    db,
    sql`select c.relname::text as name, pg_total_relation_size(c.oid)::bigint as bytes,
               exists(select 1 from pg_inherits i where i.inhrelid = c.oid and i.inhparent = 'readings'::regclass) as part
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind = 'r'`,
  );
  const u: DiskUsage = {
    readings: 0,
    rollups: 0,
    state: 0,
    ingestLog: 0,
    other: 0,
    total: 0,
    readingPartitions: 0,
  };
  for (const r of rows) {
    const b = Number(r.bytes);
    u.total += b;
    if (r.part) {
      u.readings += b;
      u.readingPartitions++;
    } else if (/^(machine_(minute|hourly|daily)|enterprise_(daily|monthly))_rollups$/.test(r.name))
      u.rollups += b;
    else if (/^(machine_state_intervals|machine_counters|machine_live|jobs)$/.test(r.name)) u.state += b;
    else if (r.name === "ingested_batches") u.ingestLog += b;
    else u.other += b;
  }
  return u;
}
