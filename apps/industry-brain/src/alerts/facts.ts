import { type DbHandle, queryRows } from "@weft/db";
import { sql } from "drizzle-orm";
import { computeCoverage } from "../coverage/index.ts";
import { evaluate, ROLLUP_COLUMNS, segmentsFor, toTotals } from "../kpi/query.ts";
import { type Facts, type GatewayFact, type MachineFact, oeeKey, type ParkFact, type Rule } from "./rules.ts";

const ms = (v: unknown): number | null =>
  v === null || v === undefined ? null : new Date(v as string).getTime();

/** Every machine with its place and live state. */
async function loadMachines(h: DbHandle): Promise<MachineFact[]> {
  const rows = await queryRows<Record<string, unknown>>(
    h.db,
    sql`select m.id, m.name, m.key, e.id as enterprise_id, e.name as enterprise_name, e.name_en as enterprise_name_en,
          p.id as park_id, p.city_id,
          l.state, l.state_since, l.last_ts
        from machines m join enterprises e on e.id = m.enterprise_id join parks p on p.id = e.park_id
        left join machine_live l on l.machine_id = m.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    label: `${String(r.enterprise_name)} · ${String(r.name || r.key)}`,
    labelEn: r.enterprise_name_en ? `${String(r.enterprise_name_en)} · ${String(r.name || r.key)}` : null,
    cityId: Number(r.city_id),
    parkId: Number(r.park_id),
    enterpriseId: Number(r.enterprise_id),
    state: (r.state as string | null) ?? null,
    stateSince: ms(r.state_since),
    lastTs: ms(r.last_ts),
  }));
}

/** Every gateway with its last contact and how far behind the newest reading of its enterprise is. */
async function loadGateways(h: DbHandle): Promise<GatewayFact[]> {
  const rows = await queryRows<Record<string, unknown>>(
    h.db,
    sql`select g.id, g.name, g.revoked_at, g.last_seen_at, e.id as enterprise_id, e.name as enterprise_name,
          e.name_en as enterprise_name_en,
          p.id as park_id, p.city_id,
          (select max(l.last_ts) from machine_live l join machines m on m.id = l.machine_id
            where m.enterprise_id = e.id) as newest
        from gateways g join enterprises e on e.id = g.enterprise_id join parks p on p.id = e.park_id`,
  );
  return rows.map((r) => {
    const seen = ms(r.last_seen_at);
    const newest = ms(r.newest);
    return {
      id: String(r.id),
      label: `${String(r.enterprise_name)} · ${String(r.name)}`,
      labelEn: r.enterprise_name_en ? `${String(r.enterprise_name_en)} · ${String(r.name)}` : null,
      cityId: Number(r.city_id),
      parkId: Number(r.park_id),
      enterpriseId: Number(r.enterprise_id),
      revoked: r.revoked_at !== null,
      lastSeenAt: seen,
      lagMs: seen !== null && newest !== null ? Math.max(0, seen - newest) : null,
    };
  });
}

/**
 * OEE per machine of one city over the last `minutes`: whole hours from the hourly rollups (in the
 * city's zone, like every KPI query) and minutes at the edges, so a shift-long window over a large
 * city reads a few rows per machine, not one per minute. No calendar: the window is all planned.
 */
async function loadOee(
  h: DbHandle,
  cityId: number,
  minutes: number,
  now: number,
  into: Map<string, number | null>,
): Promise<void> {
  const [city] = await queryRows<{ time_zone: string }>(
    h.db,
    sql`select time_zone from cities where id = ${cityId}`,
  );
  const { segments, from, to } = segmentsFor(now - minutes * 60_000, now, city?.time_zone ?? "Asia/Shanghai");
  if (segments.length === 0) return;
  const cols = sql.raw(ROLLUP_COLUMNS.join(", "));
  const inCity = sql`(select m.id from machines m join enterprises e on e.id = m.enterprise_id
    join parks p on p.id = e.park_id where p.city_id = ${cityId})`;
  const parts = segments.map(
    (g) => sql`select machine_id, ${cols} from ${sql.raw(g.table)} where machine_id in ${inCity}
      and bucket >= ${new Date(g.from).toISOString()}::timestamptz and bucket < ${new Date(g.to).toISOString()}::timestamptz`,
  );
  const sums = sql.raw(ROLLUP_COLUMNS.map((c) => `coalesce(sum(${c}), 0)::float8 as ${c}`).join(", "));
  const rows = await queryRows<Record<string, unknown>>(
    h.db,
    sql`select machine_id, ${sums} from (${sql.join(parts, sql` union all `)}) r group by machine_id`,
  );
  for (const r of rows) {
    const { kpis } = evaluate(toTotals(r), from, to, 1);
    into.set(oeeKey(Number(r.machine_id), minutes), kpis.oee);
  }
}

async function loadParks(h: DbHandle, cityIds: readonly number[], now: number): Promise<ParkFact[]> {
  const out: ParkFact[] = [];
  for (const cityId of cityIds) {
    const r = await computeCoverage(h, { cityId, parkIds: null, enterpriseIds: null }, new Date(now));
    for (const p of r.parks) {
      out.push({ cityId, parkId: p.id, label: p.name, labelEn: p.nameEn, ratio: p.coverage.enterpriseRatio });
    }
  }
  return out;
}

/** Load only the facts the enabled rules need. */
export async function loadFacts(
  h: DbHandle,
  rules: readonly Rule[],
  now: number,
  staleAfterMs: number,
): Promise<Facts> {
  const kinds = new Set(rules.filter((r) => r.enabled).map((r) => r.kind));
  const needMachines = kinds.has("machine-down") || kinds.has("data-stale") || kinds.has("oee-below");
  const needGateways = kinds.has("gateway-silent") || kinds.has("gateway-backlog");
  const oee = new Map<string, number | null>();
  const windows = new Set(
    rules
      .filter((r) => r.enabled && r.kind === "oee-below")
      .map((r) => `${r.cityId}|${r.params.minutes ?? 480}`),
  );
  for (const w of windows) {
    const [cityId, minutes] = w.split("|").map(Number);
    await loadOee(h, cityId ?? 0, minutes ?? 480, now, oee);
  }
  const coverageCities = [
    ...new Set(rules.filter((r) => r.enabled && r.kind === "coverage-below").map((r) => r.cityId)),
  ];
  return {
    now,
    staleAfterMs,
    machines: needMachines ? await loadMachines(h) : [],
    gateways: needGateways ? await loadGateways(h) : [],
    parks: coverageCities.length ? await loadParks(h, coverageCities, now) : [],
    oee,
  };
}
