import { industryDivision } from "@weft/core";
import { type DbHandle, pgArray, queryRows } from "@weft/db";
import { type SQL, sql } from "drizzle-orm";
import { connectedSql, DEFAULT_CONNECTED_WITHIN_HOURS } from "../machines/connected.ts";
import { evaluatePlanned, type Planned, plannedSums } from "./planned.ts";
import { segmentsFor, type TimeRangeInput } from "./query.ts";

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
  connected: number;
  /** The enterprises of the cell (keys of the planned sums). */
  enterpriseIds: number[];
}

function figures(planned: Planned, cells: readonly Cell[], from: number, to: number): GroupFigures {
  const { machines, elements, kpis } = evaluatePlanned(
    planned,
    cells.flatMap((c) => c.enterpriseIds),
    0,
    from,
    to,
  );
  return {
    machines,
    connected: cells.reduce((n, c) => n + c.connected, 0),
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
  const { from, to } = segmentsFor(range.from, range.to, timeZone);
  // One scan of the scope's machines for both the connected counts and the planned sums' enterprises.
  const counts = await queryRows<{
    industry: string;
    park_id: number;
    enterprise_id: number;
    time_zone: string;
    n: unknown;
    total: unknown;
    connected: unknown;
  }>(
    handle.db,
    sql`select upper(left(e.industry_code, 3)) as industry, e.park_id, e.id as enterprise_id, e.time_zone,
          count(*) as n, (select count(*) from machines a where a.enterprise_id = e.id) as total,
          count(*) filter (where ${connectedSql(sql`m.production`, sql`l.last_ts`, connected.now, connected.withinHours)}) as connected
        from machines m join enterprises e on e.id = m.enterprise_id left join machine_live l on l.machine_id = m.id
        where m.id in ${machineIds} group by 1, 2, 3, 4`,
  );
  const [planned, parks] = await Promise.all([
    plannedSums(
      handle,
      machineIds,
      [{ tag: 0, start: from, end: to }],
      timeZone,
      connected.now,
      "enterprise",
      counts.map((r) => ({ ...r, key: r.enterprise_id })),
    ),
    queryRows<{ id: number; key: string; name: string; name_en: string | null }>(
      handle.db,
      sql`select id, key, name, name_en from parks where id = any(${pgArray(
        [...new Set(counts.map((r) => Number(r.park_id)))],
        "int4",
      )})`,
    ),
  ]);
  const cells = new Map<string, Cell>();
  for (const r of counts) {
    const k = `${r.industry}:${r.park_id}`;
    const c = cells.get(k) ?? {
      industry: r.industry,
      parkId: Number(r.park_id),
      connected: 0,
      enterpriseIds: [],
    };
    c.connected += Number(r.connected);
    c.enterpriseIds.push(Number(r.enterprise_id));
    cells.set(k, c);
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
          ...figures(planned, list, from, to),
          byPark: list
            .sort((a, b) => a.parkId - b.parkId)
            .map((c) => ({ ...parkLabel(c.parkId), ...figures(planned, [c], from, to) })),
        };
      }),
    parks: [...byPark]
      .sort(([a], [b]) => a - b)
      .map(([parkId, list]) => ({ ...parkLabel(parkId), ...figures(planned, list, from, to) })),
    total: figures(planned, all, from, to),
  };
}
