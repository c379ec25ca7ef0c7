import { type Totals, toTotals } from "../kpi/query.ts";

export type RankBy = "oee" | "runningRate";

export interface MachineFigures {
  machineId: number;
  /** The entity the machine is ranked under (itself, its enterprise or its park). */
  entityId: number;
  totals: Totals;
  /** Summed rollups per local day start. */
  days: Map<number, Totals>;
}

function add(a: Totals, b: Totals): Totals {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof Totals)[]) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}

/**
 * Group machines under their entity, sum the rollups (ISO 22400: sum the elements, then divide)
 * and rank by OEE or 开机率: best first, or worst first to show what pulls a number down. An entity
 * with no value (no data) ranks last either way, and says so with `value: null`.
 */
export function rankEntities(
  machines: readonly MachineFigures[],
  kpi: (
    totals: Totals,
    from: number,
    to: number,
    machines: number,
  ) => { oee: number | null; runningRate: number | null },
  range: { from: number; to: number },
  dayStarts: readonly number[],
  by: RankBy,
  order: "best" | "worst",
): { entityId: number; machines: number; value: number | null; spark: (number | null)[] }[] {
  const groups = new Map<number, MachineFigures[]>();
  for (const m of machines) groups.set(m.entityId, [...(groups.get(m.entityId) ?? []), m]);
  const rows = [...groups].map(([entityId, list]) => {
    const total = list.reduce((s, m) => add(s, m.totals), toTotals(undefined));
    const value = kpi(total, range.from, range.to, list.length)[by];
    const spark = dayStarts.map((d, i) => {
      const end = dayStarts[i + 1] ?? range.to;
      const day = list.reduce((s, m) => add(s, m.days.get(d) ?? toTotals(undefined)), toTotals(undefined));
      return kpi(day, Math.max(d, range.from), end, list.length)[by];
    });
    return { entityId, machines: list.length, value, spark };
  });
  const sign = order === "best" ? -1 : 1;
  return rows.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : 1) : -1;
    return sign * (a.value - b.value);
  });
}
