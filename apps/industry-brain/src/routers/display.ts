import { WeftError } from "@weft/core";
import { queryRows } from "@weft/db";
import { cities, displayTokens, parks } from "@weft/db/schema";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { newDisplayToken } from "../auth/display.ts";
import { displayTokenFilter } from "../auth/operations.ts";
import { computeCoverage } from "../coverage/index.ts";
import { industrySummary } from "../kpi/summary.ts";
import { createTRPCRouter, displayProcedure, scopedProcedure } from "../trpc.ts";
import { COVERAGE_TARGETS } from "./coverage.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);

/** The plans' park-coverage target for a year (the latest one reached, the first before that). */
export function coverageTargetFor(year: number): number {
  const steps = COVERAGE_TARGETS.parkCoverage;
  let r: number = steps[0].ratio;
  for (const s of steps) if (s.year <= year) r = s.ratio;
  return r;
}

const tokens = createTRPCRouter({
  /** The display tokens of the caller's city (never the token itself: only its hash is stored). */
  list: scopedProcedure({
    roles: ["city-admin"],
    input: z.object({ city: Ref.optional() }).default({}),
    touches: (i) => ({ city: i.city }),
    lists: ["displays"],
  }).query(async ({ ctx }) => {
    const c = ctx.scope.city;
    const rows = await ctx.handle.db
      .select({
        id: displayTokens.id,
        name: displayTokens.name,
        cityId: displayTokens.cityId,
        parkId: displayTokens.parkId,
        createdAt: displayTokens.createdAt,
        revokedAt: displayTokens.revokedAt,
        lastUsedAt: displayTokens.lastUsedAt,
      })
      .from(displayTokens)
      .where(and(displayTokenFilter(ctx.user), c ? eq(displayTokens.cityId, c.id) : undefined))
      .orderBy(desc(displayTokens.id));
    return rows.map((r) => ({
      ...r,
      createdAt: r.createdAt.getTime(),
      revokedAt: r.revokedAt?.getTime() ?? null,
      lastUsedAt: r.lastUsedAt?.getTime() ?? null,
    }));
  }),

  /** Issue a read-only token for a wall display of the city or one of its parks; shown once. */
  issue: scopedProcedure({
    roles: ["city-admin"],
    mode: "write",
    input: z.object({ city: Ref, park: Ref.optional(), name: z.string().trim().min(1).max(120) }),
    touches: (i) => ({ city: i.city, park: i.park }),
  }).mutation(async ({ ctx, input }) => {
    const { city, park } = ctx.scope;
    if (park && park.cityId !== city.id) {
      throw new WeftError("VALIDATION_FAILED", "the park is not in this city", {
        field: "park",
        fix: "pick a park of the city, or leave it out for the whole city",
      });
    }
    const { token, hash } = newDisplayToken();
    return ctx.handle.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(displayTokens)
        .values({
          cityId: city.id,
          parkId: park?.id ?? null,
          name: input.name,
          tokenHash: hash,
          createdBy: ctx.user.id,
        })
        .returning({ id: displayTokens.id });
      if (!row) throw new WeftError("INTERNAL", "display token not stored");
      await audit(tx, ctx.principal, "displayToken.issue", `city:${city.id}`, { tokenId: row.id });
      return { id: row.id, token, path: `/wall#token=${token}` };
    });
  }),

  /** Revoke a display token: the screen using it gets 401 on its next refresh. */
  revoke: scopedProcedure({
    roles: ["city-admin"],
    mode: "write",
    input: z.object({ token: z.number().int().positive() }),
    touches: (i) => ({ displayToken: i.token }),
    fields: { displayToken: "token" },
  }).mutation(async ({ ctx }) => {
    const t = ctx.scope.displayToken;
    return ctx.handle.db.transaction(async (tx) => {
      const [row] = await tx
        .update(displayTokens)
        .set({ revokedAt: new Date(ctx.now()) })
        .where(and(eq(displayTokens.id, t.id), isNull(displayTokens.revokedAt)))
        .returning({ id: displayTokens.id });
      if (row) await audit(tx, ctx.principal, "displayToken.revoke", `city:${t.cityId}`, { tokenId: t.id });
      return { id: t.id, revoked: true };
    });
  }),
});

const DAY = 86_400_000;

export const displayRouter = createTRPCRouter({
  tokens,

  /**
   * The wall display (数据大屏) of the token's city or park: coverage against the plans' target,
   * live machine counts, OEE by industry over the last 24 h, and the unresolved alerts.
   */
  wall: displayProcedure("a read-only display token a city-admin issued; figures of its city or park only")
    .input(z.object({}).strict().default({}))
    .query(async ({ ctx }) => {
      const { cityId, parkId } = ctx.display;
      const now = ctx.now();
      const [city] = await ctx.handle.db.select().from(cities).where(eq(cities.id, cityId));
      if (!city) throw new WeftError("NOT_FOUND", "the display's city is gone");
      const [park] = parkId ? await ctx.handle.db.select().from(parks).where(eq(parks.id, parkId)) : [];
      const parkCond = parkId ? sql`p.id = ${parkId}` : sql`p.city_id = ${cityId}`;
      const cov = await computeCoverage(
        ctx.handle,
        { cityId, parkIds: parkId ? [parkId] : null, enterpriseIds: null },
        new Date(now),
      );
      const counts = await queryRows<{ state: string; n: unknown }>(
        ctx.handle.db,
        sql`select case when l.machine_id is null then 'never'
                        when l.last_ts < ${new Date(now - ctx.settings.staleAfterMs).toISOString()}::timestamptz then 'offline'
                        else coalesce(l.state, 'unknown') end as state, count(*) as n
            from machines m join enterprises e on e.id = m.enterprise_id join parks p on p.id = e.park_id
            left join machine_live l on l.machine_id = m.id where ${parkCond} group by 1`,
      );
      const ids = sql`(select m.id from machines m join enterprises e on e.id = m.enterprise_id join parks p on p.id = e.park_id where ${parkCond})`;
      const summary = await industrySummary(ctx.handle, ids, { from: now - DAY, to: now }, city.timeZone);
      const alertRows = await queryRows<Record<string, unknown>>(
        ctx.handle.db,
        sql`select a.id, a.subject_label, a.subject_label_en, a.status, a.value, a.opened_at, r.name as rule_name, r.kind
            from alerts a join alert_rules r on r.id = a.rule_id
            where a.status <> 'resolved' and r.city_id = ${cityId} ${parkId ? sql`and r.park_id = ${parkId}` : sql``}
            order by a.opened_at desc limit 20`,
      );
      const byState: Record<string, number> = {};
      for (const c of counts) byState[c.state] = Number(c.n);
      const machinesTotal = Object.values(byState).reduce((s, n) => s + n, 0);
      return {
        now,
        /** The zone the screen shows times in: the control room's city, whatever the screen's own clock says. */
        timeZone: city.timeZone,
        city: { id: city.id, name: city.name, nameEn: city.nameEn },
        park: park ? { id: park.id, name: park.name, nameEn: park.nameEn } : null,
        coverage: {
          target: coverageTargetFor(new Date(now).getUTCFullYear()),
          parkRatio: cov.totals.parks > 0 ? cov.totals.parksDigitalized / cov.totals.parks : null,
          enterpriseRatio:
            cov.totals.enterprises > 0 ? cov.totals.enterprisesCovered / cov.totals.enterprises : null,
          parks: cov.parks.map((p) => ({
            id: p.id,
            name: p.name,
            nameEn: p.nameEn,
            digitalized: p.coverage.digitalized,
            enterpriseRatio: p.coverage.enterpriseRatio,
          })),
        },
        machines: { total: machinesTotal, byState },
        industries: summary.industries.map((i) => ({
          code: i.code,
          zh: i.zh,
          en: i.en,
          oee: i.oee,
          runningRate: i.runningRate,
          machines: i.machines,
          connected: i.connected,
        })),
        alerts: alertRows.map((a) => ({
          id: Number(a.id),
          ruleName: String(a.rule_name),
          kind: String(a.kind),
          subjectLabel: String(a.subject_label),
          subjectLabelEn: (a.subject_label_en as string | null) ?? null,
          status: String(a.status),
          value: a.value === null ? null : Number(a.value),
          openedAt: new Date(a.opened_at as string).getTime(),
        })),
      };
    }),
});
