import { type DbHandle, queryRows } from "@weft/db";
import { type SQL, sql } from "drizzle-orm";
import { type Rates, type Settlement, settle } from "./settlement.ts";

export interface LedgerFilter {
  /** Condition on machines `m` (the caller's walls, an enterprise, a machine). */
  machines: SQL;
  /** Condition on orders `o` for orders not started yet (same walls). */
  orders: SQL;
  from?: number | undefined;
  to?: number | undefined;
  customer?: string | undefined;
}

export interface LedgerLine {
  enterpriseId: number;
  enterpriseName: string;
  /** The English name, null when none is set (the app shows it on English pages). */
  enterpriseNameEn: string | null;
  jobId: string;
  customer: string;
  plannedQty: number | null;
  machines: string[];
  firstTs: number | null;
  lastTs: number | null;
  produced: number;
  good: number;
  waste: number;
  /** Waste during make-ready: scrap counted in minutes the press spent mostly in setup. */
  wasteMakeReady: number;
  wasteRunning: number;
  runS: number;
  setupS: number;
  /** Machine time by state within the order's runs (seconds), from the minute rollups. */
  hours: { running: number; setup: number; down: number; idle: number; offline: number };
  energyKwh: number;
  settlement: Settlement | null;
}

interface Row {
  enterprise_id: number;
  enterprise_name: string;
  enterprise_name_en: string | null;
  job_id: string;
  customer: string | null;
  planned_qty: number | null;
  machine_name: string | null;
  first_ts: unknown;
  last_ts: unknown;
  produced: number;
  good: number;
  waste: number;
  run_s: number;
  setup_s: number;
  energy_kwh: number;
  running_s: number;
  setup_state_s: number;
  down_s: number;
  idle_s: number;
  offline_s: number;
  make_ready_scrap: number;
}

const ms = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).getTime());

/**
 * The job ledger per order: each job id of an enterprise (over all the presses that ran it) with
 * its order (customer, planned quantity) where one was created, orders not started yet, the
 * machine hours by state and the make-ready waste from the minute rollups of each run (a minute's
 * scrap is make-ready waste when setup dominated that minute), and the
 * settlement at the enterprise's rates. Two jobs on one press in the same minute share that minute.
 */
export async function loadLedger(
  h: DbHandle,
  f: LedgerFilter,
  rates: ReadonlyMap<number, Rates>,
  limit: number,
): Promise<LedgerLine[]> {
  const range = sql.join(
    [
      f.from !== undefined ? sql`j.last_ts >= ${new Date(f.from).toISOString()}::timestamptz` : sql`true`,
      f.to !== undefined ? sql`j.first_ts < ${new Date(f.to).toISOString()}::timestamptz` : sql`true`,
      f.customer ? sql`o.customer ilike ${`%${f.customer}%`}` : sql`true`,
    ],
    sql` and `,
  );
  const rows = await queryRows<Row>(
    h.db,
    sql`select e.id as enterprise_id, e.name as enterprise_name, e.name_en as enterprise_name_en, j.job_id, o.customer, o.planned_qty,
          coalesce(nullif(m.name, ''), m.key) as machine_name, j.first_ts, j.last_ts, j.produced, j.good, j.waste,
          j.run_s, j.setup_s, j.energy_kwh, s.running_s, s.setup_state_s, s.down_s, s.idle_s, s.offline_s,
          s.make_ready_scrap
        from jobs j join machines m on m.id = j.machine_id join enterprises e on e.id = m.enterprise_id
        left join job_orders o on o.enterprise_id = e.id and o.job_id = j.job_id
        left join lateral (
          select coalesce(sum(r.running_s), 0)::float8 as running_s, coalesce(sum(r.setup_s), 0)::float8 as setup_state_s,
            coalesce(sum(r.down_s), 0)::float8 as down_s, coalesce(sum(r.idle_s), 0)::float8 as idle_s,
            coalesce(sum(r.offline_s), 0)::float8 as offline_s,
            coalesce(sum(case when r.setup_s > r.running_s then r.scrap else 0 end), 0)::float8 as make_ready_scrap
          from machine_minute_rollups r
          where r.machine_id = j.machine_id and r.bucket >= date_trunc('minute', j.first_ts) and r.bucket <= j.last_ts
        ) s on true
        where ${f.machines} and ${range}
        union all
        select e.id, e.name, e.name_en, o.job_id, o.customer, o.planned_qty, null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        from job_orders o join enterprises e on e.id = o.enterprise_id
        where ${f.orders} and ${f.customer ? sql`o.customer ilike ${`%${f.customer}%`}` : sql`true`}
          ${f.from !== undefined || f.to !== undefined ? sql`and o.created_at >= ${new Date(f.from ?? 0).toISOString()}::timestamptz and o.created_at < ${new Date(f.to ?? 8.64e15).toISOString()}::timestamptz` : sql``}
          and not exists (select 1 from jobs j2 join machines m2 on m2.id = j2.machine_id
                          where m2.enterprise_id = o.enterprise_id and j2.job_id = o.job_id)`,
  );
  const lines = new Map<string, LedgerLine>();
  for (const r of rows) {
    const key = `${r.enterprise_id}|${r.job_id}`;
    let l = lines.get(key);
    if (!l) {
      l = {
        enterpriseId: Number(r.enterprise_id),
        enterpriseName: r.enterprise_name,
        enterpriseNameEn: r.enterprise_name_en,
        jobId: r.job_id,
        customer: r.customer ?? "",
        plannedQty: r.planned_qty === null ? null : Number(r.planned_qty),
        machines: [],
        firstTs: null,
        lastTs: null,
        produced: 0,
        good: 0,
        waste: 0,
        wasteMakeReady: 0,
        wasteRunning: 0,
        runS: 0,
        setupS: 0,
        hours: { running: 0, setup: 0, down: 0, idle: 0, offline: 0 },
        energyKwh: 0,
        settlement: null,
      };
      lines.set(key, l);
    }
    if (r.machine_name !== null) l.machines.push(r.machine_name);
    const a = ms(r.first_ts);
    const b = ms(r.last_ts);
    if (a !== null) l.firstTs = l.firstTs === null ? a : Math.min(l.firstTs, a);
    if (b !== null) l.lastTs = l.lastTs === null ? b : Math.max(l.lastTs, b);
    const waste = Number(r.waste);
    const makeReady = Math.min(waste, Number(r.make_ready_scrap));
    l.produced += Number(r.produced);
    l.good += Number(r.good);
    l.waste += waste;
    l.wasteMakeReady += makeReady;
    l.wasteRunning += waste - makeReady;
    l.runS += Number(r.run_s);
    l.setupS += Number(r.setup_s);
    l.energyKwh += Number(r.energy_kwh);
    l.hours.running += Number(r.running_s);
    l.hours.setup += Number(r.setup_state_s);
    l.hours.down += Number(r.down_s);
    l.hours.idle += Number(r.idle_s);
    l.hours.offline += Number(r.offline_s);
  }
  const out = [...lines.values()];
  for (const l of out) {
    const r = rates.get(l.enterpriseId);
    l.settlement = r ? settle(l, r) : null;
  }
  out.sort(
    (x, y) =>
      (y.lastTs ?? Number.MAX_SAFE_INTEGER) - (x.lastTs ?? Number.MAX_SAFE_INTEGER) ||
      x.jobId.localeCompare(y.jobId),
  );
  return out.slice(0, limit);
}
