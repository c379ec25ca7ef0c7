import { AssetKey, WeftError } from "@weft/core";
import { enterprises, gateways } from "@weft/db/schema";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { newApiKey } from "../auth/crypto.ts";
import type { UserPrincipal } from "../auth/principal.ts";
import { assertCanWriteEnterprise, enterpriseFilter, requireEnterprise } from "../auth/scope.ts";
import type { BrainContext } from "../context.ts";
import { authedProcedure, createTRPCRouter } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().min(1).max(64)]);

async function requireGateway(ctx: BrainContext, user: UserPrincipal, id: string) {
  const [row] = await ctx.handle.db
    .select({ gw: gateways, parkId: enterprises.parkId })
    .from(gateways)
    .innerJoin(enterprises, eq(enterprises.id, gateways.enterpriseId))
    .where(and(eq(gateways.id, id), enterpriseFilter(user)));
  if (!row)
    throw new WeftError("NOT_FOUND", `gateway ${id} does not exist or is not visible to you`, {
      field: "id",
    });
  return row;
}

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
  list: authedProcedure
    .input(
      z
        .object({
          enterprise: Ref.optional(),
          limit: z.number().int().min(1).max(500).default(50),
          cursor: z.string().max(64).nullish(),
        })
        .default({ limit: 50 }),
    )
    .query(async ({ ctx, input }) => {
      const ent =
        input.enterprise === undefined ? null : await requireEnterprise(ctx, ctx.user, input.enterprise);
      const rows = await ctx.handle.db
        .select({ ...publicColumns, enterpriseKey: enterprises.key })
        .from(gateways)
        .innerJoin(enterprises, eq(enterprises.id, gateways.enterpriseId))
        .where(
          and(
            enterpriseFilter(ctx.user),
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
  create: authedProcedure
    .input(z.object({ enterprise: Ref, id: AssetKey, name: z.string().trim().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const ent = await requireEnterprise(ctx, ctx.user, input.enterprise);
      assertCanWriteEnterprise(ctx.user, ent);
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
          throw new WeftError("CONFLICT", `gateway ${input.id} already exists`, {
            field: "id",
            fix: "choose another id",
          });
        await audit(tx, ctx.principal, "gateway.create", `gateway:${input.id}`, { enterpriseId: ent.id });
        return { gateway: row, apiKey: key.key };
      });
    }),

  /** Issue a new key (the old one stops working at once); shown once. */
  rotateKey: authedProcedure
    .input(z.object({ id: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const { gw, parkId } = await requireGateway(ctx, ctx.user, input.id);
      assertCanWriteEnterprise(ctx.user, { id: gw.enterpriseId, parkId });
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
  revoke: authedProcedure
    .input(z.object({ id: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => {
      const { gw, parkId } = await requireGateway(ctx, ctx.user, input.id);
      assertCanWriteEnterprise(ctx.user, { id: gw.enterpriseId, parkId });
      await ctx.handle.db.transaction(async (tx) => {
        await tx.update(gateways).set({ revokedAt: sql`now()` }).where(eq(gateways.id, gw.id));
        await audit(tx, ctx.principal, "gateway.revoke", `gateway:${gw.id}`);
      });
      return { id: gw.id, revoked: true as const };
    }),
});
