import { type SQL, sql } from "drizzle-orm";
import { pgArray } from "./internal/pg-array.ts";
import { ROLLUP_FIELDS, type RollupField } from "./schema/rollups.ts";

/** Rollup value columns (snake case), in the order of {@link ROLLUP_FIELDS} and of `RollupDelta.v`. */
export const ROLLUP_COLUMNS: readonly string[] = ROLLUP_FIELDS.map((f) =>
  f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
);
const INT_FIELDS: ReadonlySet<RollupField> = new Set(["microstops", "failures"]);

/** An additive delta to one machine-minute, with the local hour, day and month it belongs to (epoch ms). */
export interface RollupDelta {
  machineId: number;
  /** The machine's enterprise: the delta is added to its enterprise's day and month too. */
  enterpriseId: number;
  /** UTC minute start. */
  minuteMs: number;
  /** Start of the hour containing the minute in the machine's time zone. */
  hourMs: number;
  /** Local midnight of the day containing the minute. */
  dayMs: number;
  /** Local midnight of the first day of the month containing the minute. */
  monthMs: number;
  /** Values in {@link ROLLUP_COLUMNS} order; may be negative (a late correction). */
  v: readonly number[];
}

/** A shared source CTE plus the statements that read it, for {@link runWrites}. */
export interface SharedWrites {
  /** `name as (select …)`: placed before the statements in the same WITH. */
  source: SQL;
  statements: SQL[];
}

/** Sorted by (machine, minute), duplicates summed: one upsert may touch a row only once. */
function uniqueMinutes(rows: readonly RollupDelta[]): RollupDelta[] {
  const sorted = rows.slice().sort((a, b) => a.machineId - b.machineId || a.minuteMs - b.minuteMs);
  const out: RollupDelta[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && last.machineId === r.machineId && last.minuteMs === r.minuteMs) {
      out[out.length - 1] = { ...last, v: last.v.map((x, i) => x + (r.v[i] ?? 0)) };
    } else out.push(r);
  }
  return out;
}

/**
 * Add minute deltas to the minute, hourly and daily rollups of the machines and to the daily and
 * monthly rollups of their enterprises, set-wise: the deltas are sent once (one
 * UNNEST in a shared CTE) and the hourly and daily rows are their sums, grouped by the server. Before,
 * the brain sent the same numbers three times as text (minute, hour, day), which with a thousand
 * machines a batch was most of its statement bytes and float parsing. Rows are upserted in
 * (machine, bucket) order, a stable lock order.
 * @example await runWrites(tx, w.statements, [w.source]);
 */
export function rollupDeltasSql(rows: readonly RollupDelta[]): SharedWrites | null {
  if (rows.length === 0) return null;
  const u = uniqueMinutes(rows);
  const cols = ROLLUP_COLUMNS.join(", ");
  const arrays = ROLLUP_FIELDS.map((f, i) =>
    pgArray(
      u.map((r) => r.v[i] ?? 0),
      INT_FIELDS.has(f) ? "int4" : "float8",
    ),
  );
  const source = sql`rollup_delta as (select * from unnest(${pgArray(
    u.map((r) => r.machineId),
    "int4",
  )}, ${pgArray(
    u.map((r) => r.minuteMs),
    "float8",
  )}, ${pgArray(
    u.map((r) => r.hourMs),
    "float8",
  )}, ${pgArray(
    u.map((r) => r.dayMs),
    "float8",
  )}, ${pgArray(
    u.map((r) => r.enterpriseId),
    "int4",
  )}, ${pgArray(
    u.map((r) => r.monthMs),
    "float8",
  )}, ${sql.join(arrays, sql`, `)}) as d(machine_id, m, h, d, enterprise_id, mo, ${sql.raw(cols)}))`;
  const add = (t: string) =>
    sql.raw(ROLLUP_COLUMNS.map((c) => `${c} = ${t}.${c} + excluded.${c}`).join(", "));
  const sums = sql.raw(
    ROLLUP_COLUMNS.map((c, i) =>
      INT_FIELDS.has(ROLLUP_FIELDS[i] as RollupField) ? `sum(${c})::int4` : `sum(${c})`,
    ).join(", "),
  );
  const grouped = (table: string, id: "machine_id" | "enterprise_id", key: "h" | "d" | "mo") =>
    sql`insert into ${sql.raw(table)} as t (${sql.raw(id)}, bucket, ${sql.raw(cols)})
      select ${sql.raw(id)}, to_timestamp(${sql.raw(key)} / 1000.0), ${sums} from rollup_delta
      group by ${sql.raw(id)}, ${sql.raw(key)} order by ${sql.raw(id)}, ${sql.raw(key)}
      on conflict (${sql.raw(id)}, bucket) do update set ${add("t")}`;
  return {
    source,
    statements: [
      sql`insert into machine_minute_rollups as t (machine_id, bucket, ${sql.raw(cols)})
        select machine_id, to_timestamp(m / 1000.0), ${sql.raw(cols)} from rollup_delta
        on conflict (machine_id, bucket) do update set ${add("t")}`,
      grouped("machine_hourly_rollups", "machine_id", "h"),
      grouped("machine_daily_rollups", "machine_id", "d"),
      // A gateway's batch belongs to one enterprise: one day row (two across midnight) and one month
      // row a batch, whatever the number of machines.
      grouped("enterprise_daily_rollups", "enterprise_id", "d"),
      grouped("enterprise_monthly_rollups", "enterprise_id", "mo"),
    ],
  };
}
