import { ROLLUP_COLUMNS, type RollupDelta, type RollupWrites, rollupDeltasSql } from "@weft/db";
import type { Bucket } from "@weft/kpi";
import { BUCKET_FIELDS, localDayStart, localHourStart, localMonthStart } from "@weft/kpi";

/** Rollup columns are named as the kpi Bucket's fields: each column's Bucket field, in column order. */
const FIELDS = ROLLUP_COLUMNS.map((c) => {
  const f = BUCKET_FIELDS.find((b) => b === c);
  if (!f) throw new Error(`rollup column ${c} has no Bucket field`);
  return f;
});

export interface MachineBuckets {
  machineId: number;
  enterpriseId: number;
  timeZone: string;
  buckets: readonly Bucket[];
}

function isZero(b: Bucket): boolean {
  for (const f of FIELDS) if (b[f] !== 0) return false;
  return true;
}

/**
 * The writes that add minute deltas to the minute rollups and the same deltas summed per local hour
 * and local day to the hourly and daily rollups, and per enterprise and local day and month to the
 * enterprise rollups (`runWrites(tx, w.statements, [w.source])`, then, last, `runWrites(tx, w.enterprise)`); null
 * when every delta is zero. Deltas may be negative (late readings correcting a bucket).
 */
export function rollupDeltaWrites(list: readonly MachineBuckets[]): RollupWrites | null {
  const rows: RollupDelta[] = [];
  // A batch's machines share a few time zones and minutes: compute each local start once.
  const starts = new Map<string, { hourMs: number; dayMs: number; monthMs: number }>();
  for (const m of list) {
    for (const b of m.buckets) {
      if (isZero(b)) continue;
      const key = `${m.timeZone}\u0000${b.start}`;
      let s = starts.get(key);
      if (!s) {
        s = {
          hourMs: localHourStart(b.start, m.timeZone),
          dayMs: localDayStart(b.start, m.timeZone),
          monthMs: localMonthStart(b.start, m.timeZone),
        };
        starts.set(key, s);
      }
      rows.push({
        machineId: m.machineId,
        enterpriseId: m.enterpriseId,
        minuteMs: b.start,
        hourMs: s.hourMs,
        dayMs: s.dayMs,
        monthMs: s.monthMs,
        v: FIELDS.map((f) => b[f]),
      });
    }
  }
  return rollupDeltasSql(rows);
}
