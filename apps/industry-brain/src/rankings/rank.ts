export type RankBy = "oee" | "runningRate";

/**
 * What rollups are summed by (a machine, or a whole enterprise) and the entity it is ranked under
 * (the machine itself, its enterprise or its park), with its number of machines.
 */
export interface RankMember {
  key: number;
  entityId: number;
  machines: number;
}

/** A KPI pair of some members (by key) over the range (`day` null) or one sparkline day (its index). */
export type RankKpi = (
  keys: readonly number[],
  day: number | null,
) => { oee: number | null; runningRate: number | null };

/**
 * Group members under their entity and rank the entities by OEE or 开机率 (`kpi` evaluates a group:
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
  const groups = new Map<number, { keys: number[]; machines: number }>();
  for (const m of members) {
    const g = groups.get(m.entityId) ?? { keys: [], machines: 0 };
    g.keys.push(m.key);
    g.machines += m.machines;
    groups.set(m.entityId, g);
  }
  const rows = [...groups].map(([entityId, { keys, machines }]) => ({
    entityId,
    machines,
    value: kpi(keys, null)[by],
    spark: Array.from({ length: days }, (_, d) => kpi(keys, d)[by]),
  }));
  const sign = order === "best" ? -1 : 1;
  return rows.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === null ? (b.value === null ? 0 : 1) : -1;
    return sign * (a.value - b.value);
  });
}
