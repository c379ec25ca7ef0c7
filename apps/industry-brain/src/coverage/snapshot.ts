import type { DbHandle } from "@weft/db/client";
import { coverageSnapshots } from "@weft/db/schema";
import { and, asc, eq, gte, sql } from "drizzle-orm";
import { computeCoverage } from "./compute.ts";

/** A calendar day `YYYY-MM-DD`. */
export type Day = string;

export interface SnapshotResult {
  day: Day;
  cities: number;
  parks: number;
}

/** The day (`YYYY-MM-DD`) of an instant in China Standard Time (UTC+8). */
export function dayOf(at: Date, offsetMinutes = 480): Day {
  return new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Store the coverage figures of every city (or only `cityIds`) and its parks for `day` (idempotent:
 * a rerun replaces that day's rows). The brain calls it daily; the evaluation uses `now`.
 * @example await snapshotCoverage(handle, "2026-11-23");
 */
export async function snapshotCoverage(
  h: DbHandle,
  day: Day,
  now = new Date(),
  cityIds?: readonly number[],
): Promise<SnapshotResult> {
  if (!/^\d{4}-\d\d-\d\d$/.test(day)) throw new RangeError(`day must be YYYY-MM-DD, got ${day}`);
  const only =
    cityIds === undefined
      ? sql``
      : sql`where id in (${sql.join(
          [...cityIds, -1].map((id) => sql`${id}`),
          sql`, `,
        )})`;
  const cities = await h.query<{ id: number }>(sql`select id from cities ${only} order by id`);
  const rows: (typeof coverageSnapshots.$inferInsert)[] = [];
  for (const c of cities) {
    const cityId = Number(c.id);
    const r = await computeCoverage(h, { cityId, parkIds: null, enterpriseIds: null }, now);
    rows.push({
      day,
      scope: "city",
      scopeId: cityId,
      covered: r.totals.parksDigitalized,
      total: r.totals.parks,
      met: r.totals.parks > 0 && r.totals.parksDigitalized === r.totals.parks,
      details: {
        enterprisesCovered: r.totals.enterprisesCovered,
        enterprises: r.totals.enterprises,
        industriesOnboarded: r.totals.industriesOnboarded,
      },
      computedAt: now,
    });
    for (const p of r.parks) {
      rows.push({
        day,
        scope: "park",
        scopeId: p.id,
        covered: p.coveredEnterprises,
        total: p.enterprises,
        met: p.coverage.digitalized,
        details: {
          missing: p.coverage.missing,
          connectedMachines: p.connectedMachines,
          declaredMachines: p.declaredMachines,
        },
        computedAt: now,
      });
    }
  }
  if (rows.length > 0) {
    await h.db
      .insert(coverageSnapshots)
      .values(rows)
      .onConflictDoUpdate({
        target: [coverageSnapshots.day, coverageSnapshots.scope, coverageSnapshots.scopeId],
        set: {
          covered: sql`excluded.covered`,
          total: sql`excluded.total`,
          met: sql`excluded.met`,
          details: sql`excluded.details`,
          computedAt: sql`excluded.computed_at`,
        },
      });
  }
  return { day, cities: cities.length, parks: rows.length - cities.length };
}

export interface HistoryPoint {
  day: Day;
  covered: number;
  total: number;
  met: boolean | null;
  details: Record<string, unknown> | null;
}

/** Snapshots of one city or park from `sinceDay`, oldest first. */
export async function coverageHistory(
  h: DbHandle,
  scope: "city" | "park",
  scopeId: number,
  sinceDay: Day,
): Promise<HistoryPoint[]> {
  const rows = await h.db
    .select()
    .from(coverageSnapshots)
    .where(
      and(
        eq(coverageSnapshots.scope, scope),
        eq(coverageSnapshots.scopeId, scopeId),
        gte(coverageSnapshots.day, sinceDay),
      ),
    )
    .orderBy(asc(coverageSnapshots.day));
  return rows.map((r) => ({
    day: r.day,
    covered: r.covered,
    total: r.total,
    met: r.met,
    details: r.details ?? null,
  }));
}
