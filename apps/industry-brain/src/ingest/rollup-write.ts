import { type MinuteRollupRow, minuteRollupsSql, pgArray } from "@weft/db";
import type { Bucket } from "@weft/kpi";
import { BUCKET_FIELDS, localDayStart, localHourStart } from "@weft/kpi";
import { type SQL, sql } from "drizzle-orm";

/** Rollup columns are named as the kpi Bucket's fields. */
const FIELDS = BUCKET_FIELDS;

const INT_COLUMNS: ReadonlySet<string> = new Set(["microstops", "failures"]);

export interface MachineBuckets {
  machineId: number;
  timeZone: string;
  buckets: readonly Bucket[];
}

function isZero(b: Bucket): boolean {
  for (const f of FIELDS) if (b[f] !== 0) return false;
  return true;
}

function toMinuteRow(machineId: number, b: Bucket): MinuteRollupRow {
  return {
    machineId,
    bucket: b.start,
    runningS: b.running_s,
    setupS: b.setup_s,
    downS: b.down_s,
    idleS: b.idle_s,
    offlineS: b.offline_s,
    produced: b.produced,
    good: b.good,
    scrap: b.scrap,
    rework: b.rework,
    energyKwh: b.energy_kwh,
    microstops: b.microstops,
    microstopS: b.microstop_s,
    idealS: b.ideal_s,
    failures: b.failures,
  };
}

/** Sum minute deltas into coarser buckets (local hour or local day of the machine's time zone). */
function regroup(list: readonly MachineBuckets[], startOf: (ms: number, tz: string) => number) {
  const out = new Map<string, { machineId: number; start: number; v: number[] }>();
  // A batch's machines share a few time zones and minutes: compute each local start once.
  const starts = new Map<string, number>();
  for (const m of list) {
    for (const b of m.buckets) {
      const zoneKey = `${m.timeZone}\u0000${b.start}`;
      let start = starts.get(zoneKey);
      if (start === undefined) {
        start = startOf(b.start, m.timeZone);
        starts.set(zoneKey, start);
      }
      const key = `${m.machineId}:${start}`;
      let acc = out.get(key);
      if (!acc) {
        acc = { machineId: m.machineId, start, v: FIELDS.map(() => 0) };
        out.set(key, acc);
      }
      for (let i = 0; i < FIELDS.length; i++)
        acc.v[i] = (acc.v[i] as number) + b[FIELDS[i] as (typeof FIELDS)[number]];
    }
  }
  return [...out.values()].sort((a, b) => a.machineId - b.machineId || a.start - b.start);
}

function upsertSql(
  table: "machine_hourly_rollups" | "machine_daily_rollups",
  rows: ReturnType<typeof regroup>,
): SQL {
  const cols: readonly string[] = FIELDS;
  const arrays = cols.map((c, i) =>
    pgArray(
      rows.map((r) => r.v[i] as number),
      INT_COLUMNS.has(c) ? "int4" : "float8",
    ),
  );
  return sql`
    insert into ${sql.raw(table)} as t (machine_id, bucket, ${sql.raw(cols.join(", "))})
    select u.machine_id, to_timestamp(u.b / 1000.0), ${sql.raw(cols.map((c) => `u.${c}`).join(", "))}
    from unnest(${pgArray(
      rows.map((r) => r.machineId),
      "int4",
    )}, ${pgArray(
      rows.map((r) => r.start),
      "float8",
    )},
      ${sql.join(arrays, sql`, `)}) as u(machine_id, b, ${sql.raw(cols.join(", "))})
    on conflict (machine_id, bucket) do update set ${sql.raw(cols.map((c) => `${c} = t.${c} + excluded.${c}`).join(", "))}`;
}

/**
 * Statements that add minute deltas to the minute rollups, and the same deltas summed per local hour
 * and local day to the hourly and daily rollups: UNNEST upserts, never row by row, to run together
 * (`runWrites`). Deltas may be negative (late readings correcting a bucket).
 */
export function rollupDeltaSql(list: readonly MachineBuckets[]): SQL[] {
  const nonZero = list
    .map((m) => ({ ...m, buckets: m.buckets.filter((b) => !isZero(b)) }))
    .filter((m) => m.buckets.length > 0);
  if (nonZero.length === 0) return [];
  const minute = minuteRollupsSql(nonZero.flatMap((m) => m.buckets.map((b) => toMinuteRow(m.machineId, b))));
  return [
    ...(minute ? [minute] : []),
    upsertSql("machine_hourly_rollups", regroup(nonZero, localHourStart)),
    upsertSql("machine_daily_rollups", regroup(nonZero, localDayStart)),
  ];
}
