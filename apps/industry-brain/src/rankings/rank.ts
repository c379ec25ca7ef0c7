export type RankBy = "oee" | "runningRate";

/** A machine and the entity it is ranked under (itself, its enterprise or its park). */
export interface RankMember {
  machineId: number;
  entityId: number;
}

/** A KPI pair of some machines over the range (`day` null) or one sparkline day (its index). */
export type RankKpi = (
  machineIds: readonly number[],
  day: number | null,
) => { oee: number | null; runningRate: number | null };

/**
 * Group machines under their entity and rank the entities by OEE or 开机率 (`kpi` evaluates a group:
 * ISO 22400, sum the elements, then divide): best first, or worst first to show what pulls a number
 * down. An entity with no value (no data) ranks last either way, and says so with `value: null`.
 */
export function rankEntities(
  members: readonly RankMember[],
  kpi: RankKpi,
  days: number,
  by: RankBy,
  order: "best" | "worst",
): { entityId: number; machines: number; value: number | null; spark: (number | null)[] }[] {
  const groups = new Map<number, number[]>();
  for (const m of members) {
    const list = groups.get(m.entityId) ?? [];
    list.push(m.machineId);
    groups.set(m.entityId, list);
  }
  const rows = [...groups].map(([entityId, ids]) => ({
    entityId,
    machines: ids.length,
    value: kpi(ids, null)[by],
    spark: Array.from({ length: days }, (_, d) => kpi(ids, d)[by]),
  }));
  const sign = order === "best" ? -1 : 1;
  return rows.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : 1) : -1;
    return sign * (a.value - b.value);
  });
}
