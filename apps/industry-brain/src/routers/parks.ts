import { cities, enterprises, machines, parks } from "@weft/db/schema";
import { and, asc, count, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { parkFilter, requirePark } from "../auth/scope.ts";
import { PageInput, toPage } from "../internal/pagination.ts";
import { authedProcedure, createTRPCRouter } from "../trpc.ts";

const ParkRef = z.union([z.number().int().positive(), z.string().min(1).max(64)]);

export const parksRouter = createTRPCRouter({
  /** Parks the caller may see, with enterprise and machine counts. */
  list: authedProcedure
    .input(PageInput.extend({ cityKey: z.string().max(64).optional() }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.handle.db
        .select({
          id: parks.id,
          key: parks.key,
          name: parks.name,
          nameEn: parks.nameEn,
          cityId: parks.cityId,
          cityKey: cities.key,
          cityName: cities.name,
          enterprises: sql<number>`(select count(*)::int from ${enterprises} where ${enterprises.parkId} = ${parks.id})`,
          machines: sql<number>`(select count(*)::int from ${machines} join ${enterprises} on ${enterprises.id} = ${machines.enterpriseId} where ${enterprises.parkId} = ${parks.id})`,
        })
        .from(parks)
        .innerJoin(cities, eq(cities.id, parks.cityId))
        .where(
          and(
            parkFilter(ctx.user),
            input.cursor ? gt(parks.id, input.cursor) : undefined,
            input.cityKey ? eq(cities.key, input.cityKey) : undefined,
          ),
        )
        .orderBy(asc(parks.id))
        .limit(input.limit + 1);
      return toPage(
        rows.map((r) => ({ ...r, enterprises: Number(r.enterprises), machines: Number(r.machines) })),
        input.limit,
      );
    }),

  /** One park by id or key. */
  get: authedProcedure.input(z.object({ park: ParkRef })).query(async ({ ctx, input }) => {
    const park = await requirePark(ctx, ctx.user, input.park);
    const [counts] = await ctx.handle.db
      .select({ enterprises: count() })
      .from(enterprises)
      .where(eq(enterprises.parkId, park.id));
    return { ...park, enterprises: counts?.enterprises ?? 0 };
  }),
});
