import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "./internal/pg-array.ts";
import { queryRows } from "./internal/rows.ts";
import { ROLLUP_FIELDS, type RollupField } from "./schema/rollups.ts";
import type { WeftExecutor } from "./types.ts";

/** Additive contribution to one machine-minute. Omitted fields add 0. */
export type MinuteRollupRow = { machineId: number; bucket: number | Date } & Partial<
  Record<RollupField, number>
>;

const MINUTE_MS = 60_000;
const COLS = ROLLUP_FIELDS.map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
const INT_FIELDS = new Set<RollupField>(["microstops", "failures"]);
const INT_COLS = new Set(COLS.filter((_, i) => INT_FIELDS.has(ROLLUP_FIELDS[i] as RollupField)));

/** Merge rows per (machine, minute), flooring buckets to the minute; sorted for a stable lock order. */
export function mergeMinuteRows(
  rows: readonly MinuteRollupRow[],
): Array<{ machineId: number; bucketMs: number; v: number[] }> {
  const byKey = new Map<string, { machineId: number; bucketMs: number; v: number[] }>();
  for (const r of rows) {
    const ms = typeof r.bucket === "number" ? r.bucket : r.bucket.getTime();
    const bucketMs = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
    const key = `${r.machineId}:${bucketMs}`;
    let acc = byKey.get(key);
    if (!acc) {
      acc = { machineId: r.machineId, bucketMs, v: ROLLUP_FIELDS.map(() => 0) };
      byKey.set(key, acc);
    }
    for (let i = 0; i < ROLLUP_FIELDS.length; i++) {
      const x = r[ROLLUP_FIELDS[i] as RollupField];
      if (x !== undefined) acc.v[i] = (acc.v[i] as number) + x;
    }
  }
  return [...byKey.values()].sort((a, b) => a.machineId - b.machineId || a.bucketMs - b.bucketMs);
}

/**
 * Add to machine-minute buckets: INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x, one
 * UNNEST statement. A late reading's contribution lands in (and adds to) its own minute.
 * @example await upsertMinuteRollups(db, [{ machineId: 1, bucket: Date.now(), runningS: 42, produced: 7 }]);
 */
export async function upsertMinuteRollups(
  db: WeftExecutor,
  rows: readonly MinuteRollupRow[],
): Promise<number> {
  const merged = mergeMinuteRows(rows);
  if (merged.length === 0) return 0;
  await db.execute(minuteUpsertSql(merged));
  return merged.length;
}

/** The statement {@link upsertMinuteRollups} runs (null when there is nothing to add), to combine with others. */
export function minuteRollupsSql(rows: readonly MinuteRollupRow[]): SQL | null {
  const merged = mergeMinuteRows(rows);
  return merged.length === 0 ? null : minuteUpsertSql(merged);
}

function minuteUpsertSql(merged: ReturnType<typeof mergeMinuteRows>): SQL {
  const arrays = ROLLUP_FIELDS.map((f, i) => {
    const values = merged.map((m) => m.v[i] as number);
    return pgArray(values, INT_FIELDS.has(f) ? "int4" : "float8");
  });
  const cols = sql.raw(COLS.join(", "));
  const names = sql.raw(COLS.map((c) => `u.${c}`).join(", "));
  const updates = sql.raw(COLS.map((c) => `${c} = machine_minute_rollups.${c} + excluded.${c}`).join(", "));
  return sql`
    insert into machine_minute_rollups (machine_id, bucket, ${cols})
    select u.machine_id, to_timestamp(u.bucket_ms / 1000.0), ${names}
    from unnest(${pgArray(
      merged.map((m) => m.machineId),
      "int4",
    )}, ${pgArray(
      merged.map((m) => m.bucketMs),
      "float8",
    )},
      ${sql.join(arrays, sql`, `)}) as u(machine_id, bucket_ms, ${cols})
    on conflict (machine_id, bucket) do update set ${updates}`;
}

/**
 * Recompute hourly and daily rollups from the minute rollups for the hours/days (in each
 * machine's enterprise time zone) that overlap [fromTs, toTs), then their enterprises' daily and
 * monthly rollups ({@link rebuildEnterpriseRollups}). Idempotent: buckets are replaced by the full
 * sum of their minutes.
 */
export async function rebuildHourlyDaily(
  db: WeftExecutor,
  machineIds: readonly number[],
  fromTs: number | Date,
  toTs: number | Date,
): Promise<void> {
  if (machineIds.length === 0) return;
  const from = new Date(fromTs).toISOString();
  const to = new Date(toTs).toISOString();
  if (to <= from) return;
  for (const [table, unit] of [
    ["machine_hourly_rollups", "hour"],
    ["machine_daily_rollups", "day"],
  ] as const) {
    const sums = sql.raw(COLS.map((c) => `sum(r.${c})${INT_COLS.has(c) ? "::int" : ""}`).join(", "));
    const cols = sql.raw(COLS.join(", "));
    const updates = sql.raw(COLS.map((c) => `${c} = excluded.${c}`).join(", "));
    await db.execute(sql`
      with tz as (
        select m.id as machine_id, e.time_zone as tz from machines m join enterprises e on e.id = m.enterprise_id
        where m.id = any(${pgArray([...new Set(machineIds)], "int4")})
      )
      insert into ${sql.raw(table)} (machine_id, bucket, ${cols})
      select r.machine_id, date_trunc(${unit}, r.bucket, tz.tz) as b, ${sums}
      from machine_minute_rollups r join tz on tz.machine_id = r.machine_id
      where r.bucket >= ${from}::timestamptz - interval '2 days' and r.bucket < ${to}::timestamptz + interval '2 days'
        and date_trunc(${unit}, r.bucket, tz.tz) >= date_trunc(${unit}, ${from}::timestamptz, tz.tz)
        and date_trunc(${unit}, r.bucket, tz.tz) < ${to}::timestamptz
      group by r.machine_id, b
      on conflict (machine_id, bucket) do update set ${updates}`);
  }
  const ents = await queryRows<{ id: unknown }>(
    db,
    sql`select distinct enterprise_id as id from machines where id = any(${pgArray([...new Set(machineIds)], "int4")})`,
  );
  await rebuildEnterpriseRollups(
    db,
    ents.map((e) => Number(e.id)),
    fromTs,
    toTs,
  );
}

/**
 * Recompute the daily and monthly rollups of enterprises from their machines' daily rollups, for the
 * local days and months (enterprise time zone) that overlap [fromTs, toTs): each bucket is replaced by
 * the sum over every machine of the enterprise, and a bucket no machine has rows for is deleted.
 * Idempotent; the repair for the rows the ingest writer adds to.
 */
export async function rebuildEnterpriseRollups(
  db: WeftExecutor,
  enterpriseIds: readonly number[],
  fromTs: number | Date,
  toTs: number | Date,
): Promise<void> {
  if (enterpriseIds.length === 0) return;
  const from = new Date(fromTs).toISOString();
  const to = new Date(toTs).toISOString();
  if (to <= from) return;
  const ids = pgArray([...new Set(enterpriseIds)], "int4");
  const sums = sql.raw(COLS.map((c) => `sum(r.${c})${INT_COLS.has(c) ? "::int" : ""}`).join(", "));
  const cols = sql.raw(COLS.join(", "));
  for (const [table, unit] of [
    ["enterprise_daily_rollups", "day"],
    ["enterprise_monthly_rollups", "month"],
  ] as const) {
    // The buckets of each enterprise overlapping [from, to): from the one holding `from` up to `to`.
    const range = sql`b.bucket >= date_trunc(${unit}, ${from}::timestamptz, e.time_zone) and b.bucket < ${to}::timestamptz`;
    await db.execute(sql`delete from ${sql.raw(table)} b using enterprises e
      where e.id = b.enterprise_id and e.id = any(${ids}) and ${range}`);
    await db.execute(sql`
      insert into ${sql.raw(table)} (enterprise_id, bucket, ${cols})
      select b.enterprise_id, b.bucket, ${sums}
      from machine_daily_rollups r join machines m on m.id = r.machine_id join enterprises e on e.id = m.enterprise_id
        cross join lateral (select m.enterprise_id, date_trunc(${unit}, r.bucket, e.time_zone) as bucket) b
      where e.id = any(${ids})
        and r.bucket >= date_trunc(${unit}, ${from}::timestamptz, e.time_zone) - interval '1 day'
        and r.bucket < ${to}::timestamptz + interval '32 days'
        and ${range}
      group by b.enterprise_id, b.bucket`);
  }
}
