import { AssetKey, WeftError } from "@weft/core";
import { cities, enterprises, machines, parks } from "@weft/db/schema";
import { and, asc, count, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { ALL_ROLES } from "../auth/access.ts";
import { parkFilter } from "../auth/scope.ts";
import { isUniqueViolation } from "../internal/db-errors.ts";
import { PageInput, toPage } from "../internal/pagination.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

const Name = z.string().trim().min(1).max(200);
const NameEn = z.string().trim().max(200);

/** What parks.create and parks.update return. */
export interface ParkItem {
  key: string;
  name: string;
  nameEn: string | null;
  cityKey: string;
}

function parkConflict(key: string, cause?: unknown): WeftError {
  return new WeftError("CONFLICT", `a park with the key ${key} already exists`, {
    field: "key",
    fix: "choose another key",
    cause,
  });
}

const ParkRef = z.union([z.number().int().positive(), z.string().min(1).max(64)]);

export const parksRouter = createTRPCRouter({
  /** Parks the caller may see, with enterprise and machine counts. */
  list: scopedProcedure({
    roles: ALL_ROLES,
    input: PageInput.extend({ cityKey: z.string().max(64).optional() }).default({ limit: 50 }),
    touches: (i) => ({ city: i.cityKey }),
    fields: { city: "cityKey" },
    lists: ["parks"],
  }).query(async ({ ctx, input }) => {
    const rows = await ctx.handle.db
      .select({
        id: parks.id,
        key: parks.key,
        name: parks.name,
        nameEn: parks.nameEn,
        cityId: parks.cityId,
        cityKey: cities.key,
        cityName: cities.name,
        cityNameEn: cities.nameEn,
        enterprises: sql<number>`(select count(*)::int from ${enterprises} where ${enterprises.parkId} = ${parks.id})`,
        machines: sql<number>`(select count(*)::int from ${machines} join ${enterprises} on ${enterprises.id} = ${machines.enterpriseId} where ${enterprises.parkId} = ${parks.id})`,
      })
      .from(parks)
      .innerJoin(cities, eq(cities.id, parks.cityId))
      .where(
        and(
          parkFilter(ctx.user),
          input.cursor ? gt(parks.id, input.cursor) : undefined,
          ctx.scope.city ? eq(parks.cityId, ctx.scope.city.id) : undefined,
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
  get: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({ park: ParkRef }),
    touches: (i) => ({ park: i.park }),
  }).query(async ({ ctx }) => {
    const park = ctx.scope.park;
    const [counts] = await ctx.handle.db
      .select({ enterprises: count() })
      .from(enterprises)
      .where(eq(enterprises.parkId, park.id));
    return { ...park, enterprises: counts?.enterprises ?? 0 };
  }),

  /** Create a park in a city. City administrators only (of that city). Duplicate key → CONFLICT on `key`. */
  create: scopedProcedure({
    roles: ["city-admin"],
    mode: "write",
    input: z.object({
      key: AssetKey,
      name: Name,
      nameEn: NameEn.optional(),
      cityKey: z.string().trim().min(1).max(64),
    }),
    touches: (i) => ({ city: i.cityKey }),
    fields: { city: "cityKey" },
  }).mutation(async ({ ctx, input }): Promise<ParkItem> => {
    const { db } = ctx.handle;
    const city = ctx.scope.city;
    const [dup] = await db.select({ id: parks.id }).from(parks).where(eq(parks.key, input.key));
    if (dup) throw parkConflict(input.key);
    try {
      await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(parks)
          .values({ key: input.key, name: input.name, nameEn: input.nameEn || null, cityId: city.id })
          .returning({ id: parks.id });
        await audit(tx, ctx.principal, "park.create", `park:${input.key}`, {
          id: row?.id,
          cityKey: city.key,
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw parkConflict(input.key, err);
      throw err;
    }
    return { key: input.key, name: input.name, nameEn: input.nameEn || null, cityKey: city.key };
  }),

  /** Rename a park (name, English name; an empty nameEn clears it). City administrators only. */
  update: scopedProcedure({
    roles: ["city-admin"],
    mode: "write",
    input: z.object({ park: z.string().min(1).max(64), name: Name.optional(), nameEn: NameEn.nullish() }),
    touches: (i) => ({ park: i.park }),
  }).mutation(async ({ ctx, input }): Promise<ParkItem> => {
    const park = ctx.scope.park;
    const set: { name?: string; nameEn?: string | null } = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.nameEn !== undefined) set.nameEn = input.nameEn || null;
    const { db } = ctx.handle;
    const row = await db.transaction(async (tx) => {
      const [r] =
        Object.keys(set).length > 0
          ? await tx.update(parks).set(set).where(eq(parks.id, park.id)).returning()
          : await tx.select().from(parks).where(eq(parks.id, park.id));
      await audit(tx, ctx.principal, "park.update", `park:${park.key}`, { ...set });
      return r;
    });
    if (!row) throw new WeftError("NOT_FOUND", `park ${input.park} does not exist`, { field: "park" });
    const [city] = await db.select({ key: cities.key }).from(cities).where(eq(cities.id, row.cityId));
    return { key: row.key, name: row.name, nameEn: row.nameEn, cityKey: city?.key ?? "" };
  }),
});
