import { industryDivision } from "@weft/core";
import { enterprises, machines, parks } from "@weft/db/schema";
import { and, asc, eq, gt, ilike, or, sql } from "drizzle-orm";
import { z } from "zod";
import { enterpriseFilter, requireEnterprise, requirePark } from "../auth/scope.ts";
import { PageInput, toPage } from "../internal/pagination.ts";
import { authedProcedure, createTRPCRouter } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().min(1).max(64)]);

export const enterprisesRouter = createTRPCRouter({
  /** Enterprises the caller may see; filter by park, industry division or a name/key search. */
  list: authedProcedure
    .input(
      PageInput.extend({
        park: Ref.optional(),
        industry: z.string().trim().toUpperCase().max(8).optional(),
        search: z.string().trim().max(100).optional(),
      }).default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const park = input.park === undefined ? null : await requirePark(ctx, ctx.user, input.park);
      const rows = await ctx.handle.db
        .select({
          id: enterprises.id,
          key: enterprises.key,
          name: enterprises.name,
          nameEn: enterprises.nameEn,
          creditCode: enterprises.creditCode,
          industryCode: enterprises.industryCode,
          aboveScale: enterprises.aboveScale,
          declaredMachines: enterprises.declaredMachines,
          parkId: enterprises.parkId,
          parkKey: parks.key,
          parkName: parks.name,
          machines: sql<number>`(select count(*)::int from ${machines} where ${machines.enterpriseId} = ${enterprises.id})`,
        })
        .from(enterprises)
        .innerJoin(parks, eq(parks.id, enterprises.parkId))
        .where(
          and(
            enterpriseFilter(ctx.user),
            park ? eq(enterprises.parkId, park.id) : undefined,
            input.industry ? sql`upper(${enterprises.industryCode}) like ${`${input.industry}%`}` : undefined,
            input.search
              ? or(ilike(enterprises.name, `%${input.search}%`), ilike(enterprises.key, `%${input.search}%`))
              : undefined,
            input.cursor ? gt(enterprises.id, input.cursor) : undefined,
          ),
        )
        .orderBy(asc(enterprises.id))
        .limit(input.limit + 1);
      const items = rows.map((r) => ({
        ...r,
        machines: Number(r.machines),
        industry: industryDivision(r.industryCode),
      }));
      return toPage(items, input.limit);
    }),

  /** One enterprise by id or key. */
  get: authedProcedure.input(z.object({ enterprise: Ref })).query(async ({ ctx, input }) => {
    const e = await requireEnterprise(ctx, ctx.user, input.enterprise);
    return { ...e, industry: industryDivision(e.industryCode) };
  }),
});
