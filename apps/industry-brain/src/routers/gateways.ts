import { AssetKey, WeftError } from "@weft/core";
import { enterprises, gateways } from "@weft/db/schema";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { ALL_ROLES } from "../auth/access.ts";
import { newApiKey } from "../auth/crypto.ts";
import { gatewayFilter } from "../auth/scope.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().min(1).max(64)]);

const publicColumns = {
  id: gateways.id,
  enterpriseId: gateways.enterpriseId,
  name: gateways.name,
  keyPrefix: gateways.apiKeyPrefix,
  createdAt: gateways.createdAt,
  revokedAt: gateways.revokedAt,
  lastSeenAt: gateways.lastSeenAt,
  lastSeq: gateways.lastSeq,
};

export const gatewaysRouter = createTRPCRouter({
  /** Gateways of enterprises the caller may see (never the key, only its prefix). */
  list: scopedProcedure({
    roles: ALL_ROLES,
    input: z
      .object({
        enterprise: Ref.optional(),
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().max(64).nullish(),
      })
      .default({ limit: 50 }),
    touches: (i) => ({ enterprise: i.enterprise }),
    lists: ["gateways"],
  }).query(async ({ ctx, input }) => {
    const ent = ctx.scope.enterprise;
    const rows = await ctx.handle.db
      .select({ ...publicColumns, enterpriseKey: enterprises.key })
      .from(gateways)
      .innerJoin(enterprises, eq(enterprises.id, gateways.enterpriseId))
      .where(
        and(
          gatewayFilter(ctx.user),
          ent ? eq(gateways.enterpriseId, ent.id) : undefined,
          input.cursor ? gt(gateways.id, input.cursor) : undefined,
        ),
      )
      .orderBy(asc(gateways.id))
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit);
    return { items, nextCursor: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null };
  }),

  /** Register a gateway; the API key is in this answer only (it is stored hashed). */
  create: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({ enterprise: Ref, id: AssetKey, name: z.string().trim().min(1).max(100) }),
    touches: (i) => ({ enterprise: i.enterprise }),
  }).mutation(async ({ ctx, input }) => {
    const ent = ctx.scope.enterprise;
    const key = newApiKey();
    return ctx.handle.db.transaction(async (tx) => {
      const inserted = await tx
        .insert(gateways)
        .values({
          id: input.id,
          enterpriseId: ent.id,
          name: input.name,
          apiKeyHash: key.hash,
          apiKeyPrefix: key.prefix,
        })
        .onConflictDoNothing()
        .returning(publicColumns);
      const row = inserted[0];
      if (!row)
        // Gateway ids are one namespace across the brain; this says only that the id is taken.
        throw new WeftError("CONFLICT", `the gateway id ${input.id} is taken`, {
          field: "id",
          fix: "choose another id",
        });
      await audit(tx, ctx.principal, "gateway.create", `gateway:${input.id}`, { enterpriseId: ent.id });
      return { gateway: row, apiKey: key.key };
    });
  }),

  /** Issue a new key (the old one stops working at once); shown once. */
  rotateKey: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({ id: z.string().min(1).max(64) }),
    touches: (i) => ({ gateway: i.id }),
    fields: { gateway: "id" },
  }).mutation(async ({ ctx }) => {
    const gw = ctx.scope.gateway;
    const key = newApiKey();
    await ctx.handle.db.transaction(async (tx) => {
      await tx
        .update(gateways)
        .set({ apiKeyHash: key.hash, apiKeyPrefix: key.prefix, revokedAt: null })
        .where(eq(gateways.id, gw.id));
      await audit(tx, ctx.principal, "gateway.rotate_key", `gateway:${gw.id}`);
    });
    return { id: gw.id, apiKey: key.key };
  }),

  /** Revoke a gateway's key: its next push is UNAUTHORIZED. */
  revoke: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({ id: z.string().min(1).max(64) }),
    touches: (i) => ({ gateway: i.id }),
    fields: { gateway: "id" },
  }).mutation(async ({ ctx }) => {
    const gw = ctx.scope.gateway;
    await ctx.handle.db.transaction(async (tx) => {
      await tx.update(gateways).set({ revokedAt: sql`now()` }).where(eq(gateways.id, gw.id));
      await audit(tx, ctx.principal, "gateway.revoke", `gateway:${gw.id}`);
    });
    return { id: gw.id, revoked: true as const };
  }),
});
