import { AssetKey, CreditCode, IndustryCode, industryDivision, WeftError } from "@weft/core";
import { enterprises, machines, parks } from "@weft/db/schema";
import { and, asc, eq, gt, ilike, or, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { ALL_ROLES } from "../auth/access.ts";
import { enterpriseFilter } from "../auth/scope.ts";
import { loadRuleSet } from "../coverage/compute.ts";
import { isUniqueViolation } from "../internal/db-errors.ts";
import { PageInput, toPage } from "../internal/pagination.ts";
import { connectedSql, connectedWindowOf, DEFAULT_CONNECTED_WITHIN_HOURS } from "../machines/connected.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";
import { calendarProcedures } from "./calendars.ts";

const Name = z.string().trim().min(1).max(200);
const NameEn = z.string().trim().max(200);

function conflict(field: "key" | "creditCode", value: string, cause?: unknown): WeftError {
  return new WeftError(
    "CONFLICT",
    field === "key"
      ? `an enterprise with the key ${value} already exists`
      : `an enterprise with the credit code ${value} already exists`,
    { field, fix: field === "key" ? "choose another key" : "check the credit code", cause },
  );
}

/** Which unique constraint a violation hit (key or credit code), from the driver error's text. */
function conflictField(err: unknown): "key" | "creditCode" {
  const text: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 5 && typeof e === "object" && e !== null; i++) {
    const o = e as Record<string, unknown>;
    for (const k of ["constraint_name", "constraint", "detail", "message"]) {
      if (typeof o[k] === "string") text.push(o[k]);
    }
    e = o.cause;
  }
  return /credit/i.test(text.join(" ")) ? "creditCode" : "key";
}

const Ref = z.union([z.number().int().positive(), z.string().min(1).max(64)]);

export const enterprisesRouter = createTRPCRouter({
  ...calendarProcedures,
  /** Enterprises the caller may see; filter by park, industry division or a name/key search. */
  list: scopedProcedure({
    roles: ALL_ROLES,
    input: PageInput.extend({
      park: Ref.optional(),
      industry: z.string().trim().toUpperCase().max(8).optional(),
      search: z.string().trim().max(100).optional(),
    }).default({ limit: 50 }),
    touches: (i) => ({ park: i.park }),
    lists: ["enterprises"],
  }).query(async ({ ctx, input }) => {
    const park = ctx.scope.park;
    const withinHours =
      ctx.user.cityId === null
        ? DEFAULT_CONNECTED_WITHIN_HOURS
        : connectedWindowOf(await loadRuleSet(ctx.handle, ctx.user.cityId));
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
        parkNameEn: parks.nameEn,
        machines: sql<number>`(select count(*)::int from ${machines} where ${machines.enterpriseId} = ${enterprises.id})`,
        connectedMachines: sql<number>`(select count(*)::int from ${machines} left join machine_live l on l.machine_id = ${machines.id}
          where ${machines.enterpriseId} = ${enterprises.id}
            and ${connectedSql(sql`${machines.production}`, sql`l.last_ts`, ctx.now(), withinHours)})`,
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
      connectedMachines: Number(r.connectedMachines),
      industry: industryDivision(r.industryCode),
    }));
    return toPage(items, input.limit);
  }),

  /** One enterprise by id or key. */
  get: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({ enterprise: Ref }),
    touches: (i) => ({ enterprise: i.enterprise }),
  }).query(async ({ ctx }) => {
    const e = ctx.scope.enterprise;
    return { ...e, industry: industryDivision(e.industryCode) };
  }),

  /**
   * Add an enterprise to a park: city administrators of its city, or the park's manager (a park
   * outside the caller's walls is NOT_FOUND). Keys and credit codes are unique across the brain: a
   * duplicate is CONFLICT naming `key` or `creditCode`. Returns what `get` returns.
   */
  create: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    mode: "write",
    input: z.object({
      key: AssetKey,
      parkKey: z.string().trim().min(1).max(64),
      name: Name,
      nameEn: NameEn.optional(),
      creditCode: CreditCode,
      industryCode: IndustryCode,
      aboveScale: z.boolean(),
      declaredMachines: z.number().int().min(0).max(1_000_000),
    }),
    touches: (i) => ({ park: i.parkKey }),
    fields: { park: "parkKey" },
  }).mutation(async ({ ctx, input }) => {
    const { db } = ctx.handle;
    const park = ctx.scope.park;
    const [byKey] = await db
      .select({ id: enterprises.id })
      .from(enterprises)
      .where(eq(enterprises.key, input.key));
    if (byKey) throw conflict("key", input.key);
    const [byCode] = await db
      .select({ id: enterprises.id })
      .from(enterprises)
      .where(eq(enterprises.creditCode, input.creditCode));
    if (byCode) throw conflict("creditCode", input.creditCode);
    let row: typeof enterprises.$inferSelect | undefined;
    try {
      row = await db.transaction(async (tx) => {
        const [r] = await tx
          .insert(enterprises)
          .values({
            key: input.key,
            parkId: park.id,
            name: input.name,
            nameEn: input.nameEn || null,
            creditCode: input.creditCode,
            industryCode: input.industryCode,
            aboveScale: input.aboveScale,
            declaredMachines: input.declaredMachines,
          })
          .returning();
        await audit(tx, ctx.principal, "enterprise.create", `enterprise:${input.key}`, {
          parkKey: park.key,
          creditCode: input.creditCode,
          industryCode: input.industryCode,
        });
        return r;
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        const field = conflictField(err);
        throw conflict(field, field === "key" ? input.key : input.creditCode, err);
      }
      throw err;
    }
    if (!row) throw new WeftError("INTERNAL", "the enterprise was not stored");
    return { ...row, industry: industryDivision(row.industryCode) };
  }),

  /** Change an enterprise's names, industry, scale or declared machines (same walls as `create`). */
  update: scopedProcedure({
    roles: ["city-admin", "park-manager"],
    mode: "write",
    input: z.object({
      enterprise: z.string().min(1).max(64),
      name: Name.optional(),
      nameEn: NameEn.nullish(),
      industryCode: IndustryCode.optional(),
      aboveScale: z.boolean().optional(),
      declaredMachines: z.number().int().min(0).max(1_000_000).optional(),
    }),
    touches: (i) => ({ enterprise: i.enterprise }),
  }).mutation(async ({ ctx, input }) => {
    const { db } = ctx.handle;
    const e = ctx.scope.enterprise;
    const set: Partial<typeof enterprises.$inferInsert> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.nameEn !== undefined) set.nameEn = input.nameEn || null;
    if (input.industryCode !== undefined) set.industryCode = input.industryCode;
    if (input.aboveScale !== undefined) set.aboveScale = input.aboveScale;
    if (input.declaredMachines !== undefined) set.declaredMachines = input.declaredMachines;
    const row = await db.transaction(async (tx) => {
      const [r] =
        Object.keys(set).length > 0
          ? await tx.update(enterprises).set(set).where(eq(enterprises.id, e.id)).returning()
          : [e];
      await audit(tx, ctx.principal, "enterprise.update", `enterprise:${e.key}`, { ...set });
      return r;
    });
    if (!row) throw new WeftError("NOT_FOUND", `no enterprise with the key ${input.enterprise}`);
    return { ...row, industry: industryDivision(row.industryCode) };
  }),
});
