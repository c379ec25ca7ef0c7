import { sql } from "drizzle-orm";
import { pgArray } from "./internal/pg-array.ts";
import { queryRows } from "./internal/rows.ts";
import type { WeftExecutor } from "./types.ts";

const DAY_MS = 86_400_000;

/** Partitions this process knows exist, per db object (cleared when retention drops some). */
const known = new WeakMap<object, Set<number>>();

function knownDays(db: object): Set<number> {
  let s = known.get(db);
  if (!s) {
    s = new Set();
    known.set(db, s);
  }
  return s;
}

/** Forget cached partitions of a db (after partitions were dropped). */
export function forgetPartitions(db: object): void {
  known.delete(db);
}

/** UTC day number (days since epoch) of an epoch-ms timestamp. */
export function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Name of the daily partition holding `day` (UTC days since epoch), e.g. `readings_p20261123`. */
export function partitionName(day: number): string {
  return `readings_p${new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "")}`;
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Make sure the daily partitions for the given UTC days exist. Idempotent and safe when several
 * processes call it at once (the SQL function takes an advisory lock). Days already known to
 * this process cost no round trip. Returns the names of partitions this call created.
 */
export async function ensurePartitionDays(db: WeftExecutor, days: Iterable<number>): Promise<string[]> {
  const cache = knownDays(db);
  const missing = [...new Set(days)].filter((d) => !cache.has(d)).sort((a, b) => a - b);
  if (missing.length === 0) return [];
  const rows = await queryRows<{ day: string; created: boolean }>(
    db,
    // text[] not date[]: drizzle's postgres.js driver passes date arrays through unserialised.
    sql`select d as day, weft_ensure_readings_partition(d::date) as created
        from unnest(${pgArray(missing.map(isoDay), "text")}) as d`,
  );
  for (const d of missing) cache.add(d);
  return rows.filter((r) => r.created).map((r) => partitionName(utcDay(Date.parse(`${r.day}T00:00:00Z`))));
}

/**
 * Ensure partitions for every UTC day in [fromTs, toTs] (both inclusive).
 * @example await ensurePartitions(db, Date.now(), Date.now() + 7 * 86_400_000); // pre-create a week
 */
export async function ensurePartitions(
  db: WeftExecutor,
  fromTs: number | Date,
  toTs: number | Date,
): Promise<string[]> {
  const from = utcDay(typeof fromTs === "number" ? fromTs : fromTs.getTime());
  const to = utcDay(typeof toTs === "number" ? toTs : toTs.getTime());
  if (to < from) return [];
  if (to - from > 3660) throw new RangeError("ensurePartitions: range longer than 10 years");
  const days: number[] = [];
  for (let d = from; d <= to; d++) days.push(d);
  return ensurePartitionDays(db, days);
}

export interface ReadingPartition {
  name: string;
  /** UTC day start (epoch ms); null for the default partition. */
  fromMs: number | null;
}

/** The partitions of `readings`, oldest first, default last. */
export async function listPartitions(db: WeftExecutor): Promise<ReadingPartition[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname::text as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'readings'::regclass order by c.relname`,
  );
  return rows
    .map((r) => ({ name: r.name, fromMs: dayOfPartition(r.name) }))
    .sort((a, b) => (a.fromMs ?? Number.POSITIVE_INFINITY) - (b.fromMs ?? Number.POSITIVE_INFINITY));
}

function dayOfPartition(name: string): number | null {
  const m = /^readings_p(\d{4})(\d\d)(\d\d)$/.exec(name);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}
