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

/** {@link rollupDeltasSql}'s writes: the machines' (sharing a source) and the enterprises'. */
export interface RollupWrites extends SharedWrites {
  /**
   * The enterprise day and month upserts, already summed: run them as the transaction's last statement
   * (`runWrites(tx, w.enterprise)`), so that batches of one enterprise on other connections wait for
   * its rows only from there to the commit.
   */
  enterprise: SQL[];
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
 * (machine, bucket) order, a stable lock order. The enterprise rows (one day and one month a batch,
 * as a gateway's batch belongs to one enterprise) are summed here and written by a statement of their
 * own, meant to be the transaction's last: every batch of the enterprise updates them, so they are
 * locked for as short a time as possible.
 * @example await runWrites(tx, w.statements, [w.source]); await runWrites(tx, w.enterprise);
 */
export function rollupDeltasSql(rows: readonly RollupDelta[]): RollupWrites | null {
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
  )}, ${sql.join(arrays, sql`, `)}) as d(machine_id, m, h, d, ${sql.raw(cols)}))`;
  const add = (t: string) =>
    sql.raw(ROLLUP_COLUMNS.map((c) => `${c} = ${t}.${c} + excluded.${c}`).join(", "));
  const sums = sql.raw(
    ROLLUP_COLUMNS.map((c, i) =>
      INT_FIELDS.has(ROLLUP_FIELDS[i] as RollupField) ? `sum(${c})::int4` : `sum(${c})`,
    ).join(", "),
  );
  const grouped = (table: string, key: "h" | "d") =>
    sql`insert into ${sql.raw(table)} as t (machine_id, bucket, ${sql.raw(cols)})
      select machine_id, to_timestamp(${sql.raw(key)} / 1000.0), ${sums} from rollup_delta
      group by machine_id, ${sql.raw(key)} order by machine_id, ${sql.raw(key)}
      on conflict (machine_id, bucket) do update set ${add("t")}`;
  return {
    source,
    statements: [
      sql`insert into machine_minute_rollups as t (machine_id, bucket, ${sql.raw(cols)})
        select machine_id, to_timestamp(m / 1000.0), ${sql.raw(cols)} from rollup_delta
        on conflict (machine_id, bucket) do update set ${add("t")}`,
      grouped("machine_hourly_rollups", "h"),
      grouped("machine_daily_rollups", "d"),
    ],
    enterprise: [
      enterpriseUpsert("enterprise_daily_rollups", u, (r) => r.dayMs),
      enterpriseUpsert("enterprise_monthly_rollups", u, (r) => r.monthMs),
    ],
  };
}

/**
 * The deltas summed per enterprise and bucket (in the brain: a batch of a thousand machines is one or
 * two rows) and added to an enterprise rollup table, in (enterprise, bucket) order.
 */
function enterpriseUpsert(
  table: string,
  rows: readonly RollupDelta[],
  bucketOf: (r: RollupDelta) => number,
): SQL {
  const sums = new Map<string, { e: number; b: number; v: number[] }>();
  for (const r of rows) {
    const b = bucketOf(r);
    const k = `${r.enterpriseId}:${b}`;
    let acc = sums.get(k);
    if (!acc) {
      acc = { e: r.enterpriseId, b, v: ROLLUP_FIELDS.map(() => 0) };
      sums.set(k, acc);
    }
    for (let i = 0; i < acc.v.length; i++) acc.v[i] = (acc.v[i] as number) + (r.v[i] ?? 0);
  }
  const list = [...sums.values()].sort((x, y) => x.e - y.e || x.b - y.b);
  const cols = ROLLUP_COLUMNS.join(", ");
  const add = sql.raw(ROLLUP_COLUMNS.map((c) => `${c} = t.${c} + excluded.${c}`).join(", "));
  return sql`insert into ${sql.raw(table)} as t (enterprise_id, bucket, ${sql.raw(cols)})
    select e, to_timestamp(b / 1000.0), ${sql.raw(cols)} from unnest(${pgArray(
      list.map((x) => x.e),
      "int4",
    )}, ${pgArray(
      list.map((x) => x.b),
      "float8",
    )}, ${sql.join(
      ROLLUP_FIELDS.map((f, i) =>
        pgArray(
          list.map((x) => x.v[i] ?? 0),
          INT_FIELDS.has(f) ? "int4" : "float8",
        ),
      ),
      sql`, `,
    )}) as u(e, b, ${sql.raw(cols)})
    on conflict (enterprise_id, bucket) do update set ${add}`;
}
