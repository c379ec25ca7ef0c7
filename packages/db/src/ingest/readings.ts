import { type SQL, sql } from "drizzle-orm";
import { numberArrayLiteral as num, textArrayLiteral as txt } from "../internal/pg-array.ts";
import { ensurePartitionDays, utcDay } from "../partitions.ts";
import type { WeftExecutor } from "../types.ts";
import { type ReadingColumns, type ReadingRow, toColumns } from "./encode.ts";

/** Rows per INSERT statement: large enough to amortise the round trip, small enough for memory. */
export const DEFAULT_CHUNK_SIZE = 10_000;

export interface InsertReadingsOptions {
  /** Rows per statement (default 10,000). */
  chunkSize?: number;
  /** Create missing daily partitions first (default true). Turn off inside a transaction that already did. */
  ensurePartitions?: boolean;
}

/** `insert into readings (…)`; follow it with {@link readingsSource}. */
export const INSERT_READINGS = sql.raw(
  "insert into readings (machine_id, point_key, ts, value_num, value_text, value_json, quality, status, signal)",
);

/**
 * `select … from unnest(…)` over one chunk's columns. Each column travels as one array literal
 * (text) and is cast server-side, so a chunk is one statement and one round trip.
 * `extraFrom` is joined in (e.g. a CTE that yields one row only when the batch is new).
 */
export function readingsSource(c: ReadingColumns, extraFrom?: SQL): SQL {
  return sql`select m, p, to_timestamp(t / 1000.0), vn, vt, vj::jsonb, q, s, g
    from unnest(
      ${num(c.machineId)}::int4[], ${txt(c.pointKey)}::text[], ${num(c.tsMs)}::float8[],
      ${num(c.valueNum)}::float8[], ${txt(c.valueText)}::text[], ${txt(c.valueJson)}::text[],
      ${num(c.quality)}::int2[], ${txt(c.status)}::text[], ${txt(c.signal)}::text[]
    ) as u(m, p, t, vn, vt, vj, q, s, g)${extraFrom ? sql` cross join ${extraFrom}` : sql``}`;
}

/** The UTC days a set of rows touches. */
export function daysOf(rows: readonly ReadingRow[]): Set<number> {
  const days = new Set<number>();
  let last = Number.NaN;
  for (const r of rows) {
    const d = utcDay(typeof r.ts === "number" ? r.ts : r.ts.getTime());
    if (d !== last) {
      days.add(d);
      last = d;
    }
  }
  return days;
}

/** Split `n` rows into [from, to) ranges of at most `size`. */
export function chunkRanges(n: number, size: number): Array<[number, number]> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError("chunkSize must be a positive integer");
  const out: Array<[number, number]> = [];
  for (let from = 0; from < n; from += size) out.push([from, Math.min(n, from + size)]);
  return out;
}

/**
 * Insert raw readings: one `INSERT … SELECT FROM unnest(typed arrays)` per chunk, never row by row.
 * Works on a db or inside a transaction. Returns the number of rows inserted.
 * @example await insertReadings(db, [{ machineId: 1, pointKey: "Speed", ts: Date.now(), value: 12000, quality: "good" }]);
 */
export async function insertReadings(
  db: WeftExecutor,
  rows: readonly ReadingRow[],
  options: InsertReadingsOptions = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  if (options.ensurePartitions !== false) await ensurePartitionDays(db, daysOf(rows));
  let inserted = 0;
  for (const [from, to] of chunkRanges(rows.length, options.chunkSize ?? DEFAULT_CHUNK_SIZE)) {
    await db.execute(sql`${INSERT_READINGS} ${readingsSource(toColumns(rows, from, to))}`);
    inserted += to - from;
  }
  return inserted;
}
