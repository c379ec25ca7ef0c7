import { industryDivision } from "@weft/core";
import { type DbHandle, queryRows } from "@weft/db";
import { plannedBusyWindows, type ShiftCalendar } from "@weft/kpi";
import { type SQL, sql } from "drizzle-orm";
import { connectedSql, DEFAULT_CONNECTED_WITHIN_HOURS } from "../machines/connected.ts";
import { planGroups } from "./calendars.ts";
import {
  elapsedEnd,
  evaluate,
  insideSums,
  type PlanGroup,
  ROLLUP_COLUMNS,
  segmentsFor,
  type TimeRangeInput,
  type Totals,
  toTotals,
} from "./query.ts";

export interface GroupFigures {
  machines: number;
  /** Machines that sent data within the range (or the 24 h before its end). */
  connected: number;
  /** 开机率: running time ÷ elapsed time of all machines in the group. */
  runningRate: number | null;
  availability: number | null;
  effectiveness: number | null;
  quality: number | null;
  oee: number | null;
  produced: number;
  good: number;
  scrap: number;
  energyKwh: number;
  energyPerUnitKwh: number | null;
}

interface Cell {
  industry: string;
  parkId: number;
  machines: number;
  connected: number;
  totals: Totals;
  /** Rollup sums inside planned busy time (see `evaluate`). */
  inside: Totals;
  /** Machines per enterprise with its shift calendar: planned time (POT/PDOT) comes from these. */
  plan: PlanGroup[];
}

/** Whether the calendar's busy time is all of [from, to) (round-the-clock, no breaks). */
function coversAll(calendar: ShiftCalendar, from: number, to: number): boolean {
  const w = plannedBusyWindows(calendar, { start: from, end: to });
  return w.length === 1 && w[0]?.start === from && w[0]?.end === to;
}

function add(a: Totals, b: Totals): void {
  for (const k of Object.keys(a) as (keyof Totals)[]) a[k] += b[k];
}

/**
 * One entry per calendar: the cells list one per enterprise, and planned time over a year costs ~1 ms
 * per calendar (365 days of shifts in the time zone): 3 s for a city of 1,000 enterprises before.
 */
function merged(plan: readonly PlanGroup[]): PlanGroup[] {
  // By identity: planGroups gives every enterprise of a group the same calendar object.
  const out = new Map<ShiftCalendar | null, PlanGroup[]>();
  for (const p of plan) {
    const list = out.get(p.calendar) ?? [];
    const g = list.find((x) => x.isDefault === (p.isDefault ?? false));
    if (g) g.machines += p.machines;
    else list.push({ calendar: p.calendar, machines: p.machines, isDefault: p.isDefault ?? false });
    out.set(p.calendar, list);
  }
  return [...out.values()].flat();
}

function figures(cells: readonly Cell[], from: number, to: number): GroupFigures {
  const t = toTotals(undefined);
  const inside = toTotals(undefined);
  let machines = 0;
  let connected = 0;
  const plan: PlanGroup[] = [];
  for (const c of cells) {
    add(t, c.totals);
    add(inside, c.inside);
    machines += c.machines;
    connected += c.connected;
    plan.push(...c.plan);
  }
  const { elements, kpis } = evaluate(t, from, to, machines, merged(plan), inside);
  return {
    machines,
    connected,
    runningRate: kpis.runningRate,
    availability: kpis.availability,
    effectiveness: kpis.effectiveness,
    quality: kpis.quality,
    oee: kpis.oee,
    produced: elements.pq,
    good: elements.gq,
    scrap: elements.sq,
    energyKwh: elements.energyKwh,
    energyPerUnitKwh: kpis.energyPerUnitKwh,
  };
}

/**
 * The industry-brain view: per GB/T 4754 division and per park, connected machines, 开机率, OEE,
 * output and energy, from the rollups (sum the elements, then divide). Planned time follows each
 * enterprise's shift calendar, as in `kpi.oee` (the whole range where an enterprise has none).
 */
export async function industrySummary(
  handle: DbHandle,
  machineIds: SQL,
  range: TimeRangeInput,
  timeZone: string,
  /**
   * "Now": a range reaching past it counts only its elapsed part; connected machines are counted
   * at `now` with the city's window, as on every other page ({@link connectedSql}).
   */
  connected: { now: number; withinHours: number } = {
    now: Date.now(),
    withinHours: DEFAULT_CONNECTED_WITHIN_HOURS,
  },
) {
  const { segments, from, to } = segmentsFor(range.from, range.to, timeZone);
  const cols = sql.raw(ROLLUP_COLUMNS.join(", "));
  const parts = segments.map(
    (s) =>
      sql`select machine_id, ${cols} from ${sql.raw(s.table)} where machine_id in ${machineIds}
          and bucket >= ${new Date(s.from).toISOString()}::timestamptz and bucket < ${new Date(s.to).toISOString()}::timestamptz`,
  );
  const sums = sql.raw(ROLLUP_COLUMNS.map((c) => `coalesce(sum(r.${c}), 0)::float8 as ${c}`).join(", "));
  // Summed per enterprise (not per industry and park): for a calendar planning the whole range, these
  // are also the sums inside its busy time, which saves a second pass over the rollups.
  const rollups =
    parts.length === 0
      ? []
      : await queryRows<Record<string, unknown> & { enterprise_id: unknown }>(
          handle.db,
          sql`select m.enterprise_id, ${sums}
              from (${sql.join(parts, sql` union all `)}) r
              join machines m on m.id = r.machine_id
              group by 1`,
        );
  const byEnterprise = new Map(rollups.map((r) => [Number(r.enterprise_id), toTotals(r)]));
  const counts = await queryRows<{
    industry: string;
    park_id: number;
    enterprise_id: number;
    machines: unknown;
    connected: unknown;
  }>(
    handle.db,
    sql`select upper(left(e.industry_code, 3)) as industry, e.park_id, e.id as enterprise_id, count(*) as machines,
          count(*) filter (where ${connectedSql(sql`m.production`, sql`l.last_ts`, connected.now, connected.withinHours)}) as connected
        from machines m join enterprises e on e.id = m.enterprise_id left join machine_live l on l.machine_id = m.id
        where m.id in ${machineIds} group by 1, 2, 3`,
  );
  const groups = await planGroups({ handle }, machineIds);
  const groupOf = new Map<number, PlanGroup>();
  for (const g of groups) for (const id of g.enterpriseIds ?? []) groupOf.set(id, g);
  const end = elapsedEnd(from, to, connected.now);
  const whole = end === to ? groups.filter((g) => g.calendar && coversAll(g.calendar, from, to)) : [];
  const inside =
    (
      await insideSums(
        handle,
        machineIds,
        groups.filter((g) => !whole.includes(g)),
        [{ tag: 0, start: from, end }],
        timeZone,
      )
    ).get(0) ?? new Map<number, Totals>();
  for (const g of whole)
    for (const id of g.enterpriseIds ?? []) inside.set(id, byEnterprise.get(id) ?? toTotals(undefined));
  const parks = await queryRows<{ id: number; key: string; name: string; name_en: string | null }>(
    handle.db,
    sql`select id, key, name, name_en from parks where id in (select e.park_id from machines m join enterprises e on e.id = m.enterprise_id where m.id in ${machineIds})`,
  );
  const cells = new Map<string, Cell>();
  const cell = (industry: string, parkId: number): Cell => {
    const k = `${industry}:${parkId}`;
    let c = cells.get(k);
    if (!c) {
      c = {
        industry,
        parkId,
        machines: 0,
        connected: 0,
        totals: toTotals(undefined),
        inside: toTotals(undefined),
        plan: [],
      };
      cells.set(k, c);
    }
    return c;
  };
  for (const r of counts) {
    const c = cell(r.industry, Number(r.park_id));
    c.machines += Number(r.machines);
    c.connected += Number(r.connected);
    const g = groupOf.get(Number(r.enterprise_id));
    c.plan.push({
      calendar: g?.calendar ?? null,
      machines: Number(r.machines),
      isDefault: g?.isDefault ?? false,
    });
    const mine = inside.get(Number(r.enterprise_id));
    if (mine) add(c.inside, mine);
    const all = byEnterprise.get(Number(r.enterprise_id));
    if (all) add(c.totals, all);
  }
  const all = [...cells.values()];
  const parkInfo = new Map(parks.map((p) => [Number(p.id), p]));
  const byIndustry = new Map<string, Cell[]>();
  const byPark = new Map<number, Cell[]>();
  for (const c of all) {
    byIndustry.set(c.industry, [...(byIndustry.get(c.industry) ?? []), c]);
    byPark.set(c.parkId, [...(byPark.get(c.parkId) ?? []), c]);
  }
  const parkLabel = (id: number) => {
    const p = parkInfo.get(id);
    return {
      parkId: id,
      parkKey: p?.key ?? String(id),
      parkName: p?.name ?? String(id),
      parkNameEn: p?.name_en ?? null,
    };
  };
  return {
    range: { from, to },
    industries: [...byIndustry]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, list]) => {
        const div = industryDivision(code);
        return {
          code,
          zh: div?.zh ?? code,
          en: div?.en ?? code,
          ...figures(list, from, end),
          byPark: list
            .sort((a, b) => a.parkId - b.parkId)
            .map((c) => ({ ...parkLabel(c.parkId), ...figures([c], from, end) })),
        };
      }),
    parks: [...byPark]
      .sort(([a], [b]) => a - b)
      .map(([parkId, list]) => ({ ...parkLabel(parkId), ...figures(list, from, end) })),
    total: figures(all, from, end),
  };
}
