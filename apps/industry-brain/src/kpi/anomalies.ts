import { type DbHandle, queryRows, toDate } from "@weft/db";
import { type SQL, sql } from "drizzle-orm";
import type { TimeRangeInput } from "./query.ts";

/** One counter jump the brain did not count as output (see `counter_anomalies`). */
export interface CounterAnomalyItem {
  machineKey: string;
  enterpriseKey: string;
  pointKey: string;
  role: string;
  ts: number;
  prevTs: number | null;
  prevValue: number;
  value: number;
  /** Units the jump would have meant. */
  delta: number;
  kind: string;
  /** Most units the machine could plausibly have made in the time. */
  maxUnits: number;
}

/** Counter anomalies of the machines in `machineIds` over [from, to), newest first, and how many in all. */
export async function counterAnomalies(
  handle: DbHandle,
  machineIds: SQL,
  range: TimeRangeInput,
  limit: number,
): Promise<{ total: number; items: CounterAnomalyItem[] }> {
  const where = sql`a.machine_id in ${machineIds}
    and a.ts >= ${new Date(range.from).toISOString()}::timestamptz and a.ts < ${new Date(range.to).toISOString()}::timestamptz`;
  const [count] = await queryRows<{ n: unknown }>(
    handle.db,
    sql`select count(*) as n from counter_anomalies a where ${where}`,
  );
  const rows = await queryRows<{
    machine_key: string;
    enterprise_key: string;
    point_key: string;
    role: string;
    ts: unknown;
    prev_ts: unknown;
    prev_value: unknown;
    value: unknown;
    delta: unknown;
    kind: string;
    max_units: unknown;
  }>(
    handle.db,
    sql`select m.key as machine_key, e.key as enterprise_key, a.point_key, a.role, a.ts, a.prev_ts,
          a.prev_value, a.value, a.delta, a.kind, a.max_units
        from counter_anomalies a join machines m on m.id = a.machine_id join enterprises e on e.id = m.enterprise_id
        where ${where} order by a.ts desc, m.id, a.point_key limit ${limit}`,
  );
  return {
    total: Number(count?.n ?? 0),
    items: rows.map((r) => ({
      machineKey: r.machine_key,
      enterpriseKey: r.enterprise_key,
      pointKey: r.point_key,
      role: r.role,
      ts: toDate(r.ts).getTime(),
      prevTs: r.prev_ts === null || r.prev_ts === undefined ? null : toDate(r.prev_ts).getTime(),
      prevValue: Number(r.prev_value),
      value: Number(r.value),
      delta: Number(r.delta),
      kind: r.kind,
      maxUnits: Number(r.max_units),
    })),
  };
}
