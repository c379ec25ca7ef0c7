import { WeftError } from "@weft/core";
import { auditLog, coverageDeclarations, coverageRuleSets, parks } from "@weft/db/schema";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { ALL_ROLES } from "../auth/access.ts";
import type { BrainContext } from "../context.ts";
import { computeCoverage, loadRuleSet } from "../coverage/compute.ts";
import { DECLARATION_VALUES } from "../coverage/declarations.ts";
import { exportCoverage } from "../coverage/export.ts";
import { asDate } from "../coverage/facts.ts";
import { DECLARABLE_ITEMS, ENTERPRISE_ITEMS, normalizeRuleSet, RuleSetInput } from "../coverage/rules.ts";
import { coverageScope } from "../coverage/scope.ts";
import { coverageHistory, dayOf, snapshotCoverage } from "../coverage/snapshot.ts";
import {
  citySummary,
  memoized,
  PARK_SORTS,
  type ParkSummary,
  pageParks,
  totalsOf,
} from "../coverage/summary.ts";
import { createTRPCRouter, listProcedure, scopedProcedure } from "../trpc.ts";
import { adminImportRouter } from "./admin-import.ts";

/** The plans' targets: park coverage 80% (2022) → 100% (2025); industries in the brain 1 → 3. */
export const COVERAGE_TARGETS = {
  parkCoverage: [
    { year: 2022, ratio: 0.8 },
    { year: 2025, ratio: 1 },
  ],
  industries: [
    { year: 2022, count: 1 },
    { year: 2025, count: 3 },
  ],
} as const;

/** How many parks needing attention the overview lists. */
const ATTENTION = 10;

/** The parks of a summary the caller may see (`null`: all of them). */
function parksInScope(parks: readonly ParkSummary[], parkIds: number[] | null): ParkSummary[] {
  if (parkIds === null) return [...parks];
  const allowed = new Set(parkIds);
  return parks.filter((p) => allowed.has(p.id));
}

/** A parks-table row (the per-park onboarded industries stay on the server). */
function parkRow({ industriesOnboarded: _i, ...p }: ParkSummary) {
  return p;
}

const Days = z.number().int().min(1).max(1_000).default(365);

function sinceDay(ctx: BrainContext, days: number): string {
  return dayOf(new Date(ctx.now() - days * 86_400_000));
}

interface HistoryRow {
  day: string;
  parks: number;
  parks_met: number;
  enterprises: number;
  covered: number;
}

/** Daily history for a set of parks, summed from park snapshots. */
async function parksHistory(ctx: BrainContext, parkIds: number[] | null, cityId: number, since: string) {
  const filter =
    parkIds === null
      ? sql`s.scope_id in (select id from parks where city_id = ${cityId})`
      : parkIds.length === 0
        ? sql`false`
        : sql`s.scope_id in (${sql.join(
            parkIds.map((p) => sql`${p}`),
            sql`, `,
          )})`;
  const rows = await ctx.handle.query<HistoryRow>(sql`
    select s.day::text as day, count(*)::int as parks, count(*) filter (where s.met)::int as parks_met,
      sum(s.total)::int as enterprises, sum(s.covered)::int as covered
    from coverage_snapshots s where s.scope = 'park' and ${filter} and s.day >= ${since}
    group by s.day order by s.day`);
  const industries = new Map(
    (await coverageHistory(ctx.handle, "city", cityId, since)).map((h) => [
      h.day,
      Array.isArray(h.details?.industriesOnboarded) ? h.details.industriesOnboarded.length : null,
    ]),
  );
  return rows.map((r) => ({
    day: String(r.day).slice(0, 10),
    parkRatio: r.parks > 0 ? r.parks_met / r.parks : null,
    enterpriseRatio: r.enterprises > 0 ? r.covered / r.enterprises : null,
    industries: industries.get(String(r.day).slice(0, 10)) ?? null,
  }));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function liveStates(ctx: BrainContext, enterpriseId: number) {
  const rows = await ctx.handle.query<{
    id: number;
    key: string;
    name: string;
    kind: string;
    production: boolean;
    state: string | null;
    state_since: unknown;
    last_ts: unknown;
  }>(sql`select m.id, m.key, m.name, m.kind, m.production, l.state, l.state_since, l.last_ts
    from machines m left join machine_live l on l.machine_id = m.id
    where m.enterprise_id = ${enterpriseId} order by m.id`);
  return rows.map((m) => ({
    id: Number(m.id),
    key: m.key,
    name: m.name,
    kind: m.kind,
    production: m.production,
    state: m.state,
    stateSince: asDate(m.state_since)?.toISOString() ?? null,
    lastTs: asDate(m.last_ts)?.toISOString() ?? null,
  }));
}

const DeclareInput = z
  .object({
    enterpriseId: z.number().int().positive().optional(),
    parkId: z.number().int().positive().optional(),
    item: z.enum(DECLARABLE_ITEMS),
    value: z.unknown(),
    evidenceUrl: z
      .url({ protocol: /^https?$/ })
      .max(2_000)
      .nullish(),
    note: z.string().trim().max(500).nullish(),
  })
  .refine(
    (v) => (v.enterpriseId === undefined) !== (v.parkId === undefined),
    "give exactly one of enterpriseId, parkId",
  );

export const coverageRouter = createTRPCRouter({
  /**
   * City (or the caller's parks) overview: totals, targets, history and the parks needing attention
   * (least covered first, at most 10); the whole parks table is `parkTable`, a page at a time.
   */
  overview: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    input: z.object({ cityId: z.number().int().positive().optional(), days: Days }).default({ days: 365 }),
    touches: (i) => ({ city: i.cityId }),
    fields: { city: "cityId" },
    lists: ["coverage"],
  }).query(async ({ ctx, input }) => {
    const scope = await coverageScope(ctx.handle, ctx.user, ctx.scope.city?.id);
    const since = sinceDay(ctx, input.days);
    // Snapshots change hourly (and on coverage.snapshot, a write that drops the cache).
    const [summary, history] = await Promise.all([
      citySummary(ctx.handle, scope.cityId, ctx.now(), ctx.settings.coverageCacheMs),
      memoized(
        ctx.handle,
        `history:${scope.cityId}:${scope.parkIds?.join(",") ?? "all"}:${since}`,
        ctx.now(),
        ctx.settings.coverageCacheMs,
        () => parksHistory(ctx, scope.parkIds, scope.cityId, since),
      ),
    ]);
    const mine = parksInScope(summary.parks, scope.parkIds);
    const totals = totalsOf(mine);
    const today = dayOf(new Date(summary.computedAt));
    const live = {
      day: today,
      parkRatio: totals.parks > 0 ? totals.parksDigitalized / totals.parks : null,
      enterpriseRatio: totals.enterprises > 0 ? totals.enterprisesCovered / totals.enterprises : null,
      industries: totals.industriesOnboarded.length,
    };
    return {
      city: scope.city,
      computedAt: summary.computedAt,
      totals: { ...live, ...totals },
      targets: COVERAGE_TARGETS,
      history: [...history.filter((h) => h.day !== today), live],
      attention: pageParks(
        mine.filter((p) => !p.digitalized),
        { page: 1, pageSize: ATTENTION, sort: "coverage", dir: "asc" },
      ).rows.map(parkRow),
    };
  }),

  /** The parks table of the overview and the parks page: one page, sorted and searched on the server. */
  parkTable: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    input: z.object({
      cityId: z.number().int().positive().optional(),
      page: z.number().int().min(1).max(100_000).default(1),
      pageSize: z.number().int().min(1).max(200).default(50),
      sort: z.enum(PARK_SORTS).default("coverage"),
      dir: z.enum(["asc", "desc"]).default("asc"),
      q: z.string().trim().max(100).optional(),
      locale: z.enum(["zh-CN", "en"]).default("zh-CN"),
    }),
    touches: (i) => ({ city: i.cityId }),
    fields: { city: "cityId" },
    lists: ["coverage"],
  }).query(async ({ ctx, input }) => {
    const scope = await coverageScope(ctx.handle, ctx.user, ctx.scope.city?.id);
    const summary = await citySummary(ctx.handle, scope.cityId, ctx.now(), ctx.settings.coverageCacheMs);
    const { rows, total } = pageParks(parksInScope(summary.parks, scope.parkIds), input);
    return {
      computedAt: summary.computedAt,
      page: input.page,
      pageSize: input.pageSize,
      total,
      rows: rows.map(parkRow),
    };
  }),

  /** One park: its checklist, every enterprise with every item, and its history. */
  park: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({ parkId: z.number().int().positive(), days: Days }),
    touches: (i) => ({ park: i.parkId }),
    fields: { park: "parkId" },
  }).query(async ({ ctx, input }) => {
    const park = ctx.scope.park;
    const scope = await coverageScope(ctx.handle, ctx.user);
    const now = new Date(ctx.now());
    const r = await computeCoverage(ctx.handle, { ...scope, cityId: park.cityId, parkIds: [park.id] }, now);
    const report = r.parks[0];
    if (!report) throw new WeftError("NOT_FOUND", `park ${input.parkId} does not exist`);
    const history = await coverageHistory(ctx.handle, "park", park.id, sinceDay(ctx, input.days));
    return {
      today: dayOf(now),
      park: report,
      rules: r.rules,
      enterprises: r.enterprises,
      history: history.map((h) => ({
        day: h.day,
        ratio: h.total > 0 ? h.covered / h.total : null,
        met: h.met,
      })),
    };
  }),

  /** One enterprise: checklist items and its machines with live state. */
  enterprise: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({ enterpriseId: z.number().int().positive() }),
    touches: (i) => ({ enterprise: i.enterpriseId }),
    fields: { enterprise: "enterpriseId" },
  }).query(async ({ ctx }) => {
    const ent = ctx.scope.enterprise;
    const [park] = await ctx.handle.db.select().from(parks).where(eq(parks.id, ent.parkId));
    if (!park) throw new WeftError("NOT_FOUND", `enterprise ${ent.id} has no park`);
    const now = new Date(ctx.now());
    const r = await computeCoverage(
      ctx.handle,
      { cityId: park.cityId, parkIds: [park.id], enterpriseIds: [ent.id] },
      now,
    );
    const machines = await liveStates(ctx, ent.id);
    return {
      park: { id: park.id, name: park.name, nameEn: park.nameEn },
      enterprise: r.enterprises[0] ?? null,
      machines,
    };
  }),

  /** Declare a checklist item for an enterprise or park (park managers and city admins; audit-logged). */
  declare: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    mode: "write",
    input: DeclareInput,
    touches: (i) => ({ enterprise: i.enterpriseId, park: i.parkId }),
    fields: { enterprise: "enterpriseId", park: "parkId" },
  }).mutation(async ({ ctx, input }) => {
    const isEnterpriseItem = (ENTERPRISE_ITEMS as readonly string[]).includes(input.item);
    if (isEnterpriseItem !== (input.enterpriseId !== undefined)) {
      throw new WeftError(
        "VALIDATION_FAILED",
        `${input.item} is declared for ${isEnterpriseItem ? "an enterprise" : "a park"}`,
        {
          field: "item",
        },
      );
    }
    const parsed = DECLARATION_VALUES[input.item].safeParse(input.value);
    if (!parsed.success) {
      throw new WeftError(
        "VALIDATION_FAILED",
        `invalid value for ${input.item}: ${parsed.error.issues[0]?.message ?? ""}`,
        {
          field: "value",
        },
      );
    }
    const { enterprise: e, park: p } = ctx.scope;
    const target = e ? `enterprise:${e.id}` : `park:${p?.id}`;
    const at = new Date(ctx.now());
    const row = await ctx.handle.db.transaction(async (tx) => {
      const [d] = await tx
        .insert(coverageDeclarations)
        .values({
          enterpriseId: input.enterpriseId ?? null,
          parkId: input.parkId ?? null,
          item: input.item,
          value: parsed.data,
          declaredBy: ctx.user.id,
          declaredAt: at,
          evidenceUrl: input.evidenceUrl ?? null,
          note: input.note ?? null,
        })
        .returning({ id: coverageDeclarations.id });
      await tx.insert(auditLog).values({
        actor: `user:${ctx.user.id}`,
        actorUserId: ctx.user.id,
        action: "coverage.declare",
        target,
        at,
        details: { item: input.item, value: parsed.data, evidenceUrl: input.evidenceUrl ?? null },
      });
      return d;
    });
    return { id: row?.id ?? null, declaredAt: at.toISOString() };
  }),

  ruleSet: createTRPCRouter({
    /** The caller's city rule set (defaults filled in). */
    get: listProcedure({ roles: ALL_ROLES, lists: ["coverage"] }).query(async ({ ctx }) => {
      const scope = await coverageScope(ctx.handle, ctx.user);
      return { cityId: scope.cityId, items: await loadRuleSet(ctx.handle, scope.cityId) };
    }),
    /** Replace the city's rule set (city admins only; audit-logged). */
    update: scopedProcedure({
      roles: ["city-admin"],
      mode: "write",
      input: z.object({ cityId: z.number().int().positive().optional(), items: RuleSetInput }),
      touches: (i) => ({ city: i.cityId }),
      fields: { city: "cityId" },
    }).mutation(async ({ ctx, input }) => {
      const scope = await coverageScope(ctx.handle, ctx.user, ctx.scope.city?.id);
      const items = normalizeRuleSet(input.items);
      const at = new Date(ctx.now());
      await ctx.handle.db.transaction(async (tx) => {
        await tx
          .insert(coverageRuleSets)
          .values({ cityId: scope.cityId, items, updatedBy: ctx.user.id, updatedAt: at })
          .onConflictDoUpdate({
            target: coverageRuleSets.cityId,
            set: { items, updatedBy: ctx.user.id, updatedAt: at },
          });
        await tx.insert(auditLog).values({
          actor: `user:${ctx.user.id}`,
          actorUserId: ctx.user.id,
          action: "coverage.ruleSet.update",
          target: `city:${scope.cityId}`,
          at,
          details: { items },
        });
      });
      return { cityId: scope.cityId, items };
    }),
  }),

  /** The coverage table as CSV or XLSX (base64), for the caller's scope or one park. */
  export: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    input: z.object({
      format: z.enum(["csv", "xlsx"]),
      locale: z.enum(["zh-CN", "en"]).default("zh-CN"),
      parkId: z.number().int().positive().optional(),
    }),
    touches: (i) => ({ park: i.parkId }),
    fields: { park: "parkId" },
    lists: ["coverage"],
  }).query(async ({ ctx, input }) => {
    const park = ctx.scope.park;
    const scope = await coverageScope(ctx.handle, ctx.user, park?.cityId);
    const parkIds = park ? [park.id] : scope.parkIds;
    const now = new Date(ctx.now());
    const r = await computeCoverage(ctx.handle, { ...scope, parkIds }, now);
    const stem = `coverage-${scope.city.key}${input.parkId ? `-park${input.parkId}` : ""}-${dayOf(now)}`;
    return exportCoverage(r, input.format, input.locale, stem);
  }),

  /** Store today's snapshot of the administrator's city now (the brain snapshots every city hourly). */
  snapshot: listProcedure({ roles: ["city-admin"], lists: ["coverage"] }).mutation(async ({ ctx }) =>
    snapshotCoverage(
      ctx.handle,
      dayOf(new Date(ctx.now())),
      new Date(ctx.now()),
      ctx.user.cityId === null ? undefined : [ctx.user.cityId],
    ),
  ),

  /**
   * Live machine states of an enterprise over SSE: sends the list now and whenever it changes
   * (polls the database, so it works with any number of brain replicas).
   */
  machineStates: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({
      enterpriseId: z.number().int().positive(),
      intervalMs: z.number().int().min(250).max(60_000).default(2_000),
    }),
    touches: (i) => ({ enterprise: i.enterpriseId }),
    fields: { enterprise: "enterpriseId" },
  }).subscription(async function* ({ ctx, input, signal }) {
    const ent = ctx.scope.enterprise;
    let last = "";
    while (!signal?.aborted) {
      const rows = await liveStates(ctx, ent.id);
      const json = JSON.stringify(rows);
      if (json !== last) {
        last = json;
        yield { at: new Date(ctx.now()).toISOString(), machines: rows };
      }
      await sleep(input.intervalMs, signal);
    }
  }),

  /** Enterprise import (preview → commit). */
  imports: adminImportRouter,
});
