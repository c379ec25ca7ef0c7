import { WeftError } from "@weft/core";
import { enterprises, lines, machineLive, machines } from "@weft/db/schema";
import { and, asc, eq, gt } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { ALL_ROLES } from "../auth/access.ts";
import type { UserPrincipal } from "../auth/principal.ts";
import type { EnterpriseRow, ParkRow } from "../auth/scope.ts";
import { machineFilter } from "../auth/scope.ts";
import { PageInput, toPage } from "../internal/pagination.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);
const MachinesInput = PageInput.extend({ enterprise: Ref.optional(), park: Ref.optional() });

/** A machines list: the caller's walls, narrowed to one enterprise or park (already resolved), after the cursor. */
function machinesWhere(
  ctx: { user: UserPrincipal; scope: { enterprise: EnterpriseRow | null; park: ParkRow | null } },
  input: z.infer<typeof MachinesInput>,
) {
  const { enterprise: ent, park } = ctx.scope;
  return and(
    machineFilter(ctx.user),
    ent ? eq(machines.enterpriseId, ent.id) : undefined,
    park ? eq(enterprises.parkId, park.id) : undefined,
    input.cursor ? gt(machines.id, input.cursor) : undefined,
  );
}

const listDecl = (limit: number) => ({
  roles: ALL_ROLES,
  input: MachinesInput.default({ limit }),
  touches: (i: z.infer<typeof MachinesInput>) => ({ enterprise: i.enterprise, park: i.park }),
  lists: ["machines"] as const,
});

/** Live status: fresh (< 2 min), stale (< 24 h), offline (older or never). */
export function freshness(ageMs: number | null): "fresh" | "stale" | "offline" {
  if (ageMs === null) return "offline";
  if (ageMs < 120_000) return "fresh";
  if (ageMs < 86_400_000) return "stale";
  return "offline";
}

export const machinesRouter = createTRPCRouter({
  /** Machines the caller may see, optionally of one enterprise or park. */
  list: scopedProcedure(listDecl(50)).query(async ({ ctx, input }) => {
    const where = machinesWhere(ctx, input);
    const rows = await ctx.handle.db
      .select({
        id: machines.id,
        key: machines.key,
        name: machines.name,
        kind: machines.kind,
        production: machines.production,
        profile: machines.profile,
        idealCycleS: machines.idealCycleS,
        enterpriseId: machines.enterpriseId,
        enterpriseKey: enterprises.key,
        lineId: machines.lineId,
      })
      .from(machines)
      .innerJoin(enterprises, eq(enterprises.id, machines.enterpriseId))
      .where(where)
      .orderBy(asc(machines.id))
      .limit(input.limit + 1);
    return toPage(rows, input.limit);
  }),

  /** State and age of the last reading of each machine in scope. */
  live: scopedProcedure(listDecl(200)).query(async ({ ctx, input }) => {
    const where = machinesWhere(ctx, input);
    const rows = await ctx.handle.db
      .select({
        id: machines.id,
        key: machines.key,
        name: machines.name,
        enterpriseKey: enterprises.key,
        state: machineLive.state,
        stateSince: machineLive.stateSince,
        jobId: machineLive.jobId,
        lastTs: machineLive.lastTs,
        lastSeenAt: machineLive.lastSeenAt,
      })
      .from(machines)
      .innerJoin(enterprises, eq(enterprises.id, machines.enterpriseId))
      .leftJoin(machineLive, eq(machineLive.machineId, machines.id))
      .where(where)
      .orderBy(asc(machines.id))
      .limit(input.limit + 1);
    const now = ctx.now();
    const items = rows.map((r) => {
      const lastTs = r.lastTs ? r.lastTs.getTime() : null;
      const ageMs = lastTs === null ? null : Math.max(0, now - lastTs);
      return {
        id: r.id,
        key: r.key,
        name: r.name,
        enterpriseKey: r.enterpriseKey,
        state: r.state,
        stateSince: r.stateSince ? r.stateSince.getTime() : null,
        jobId: r.jobId || null,
        lastTs,
        ageMs,
        freshness: freshness(ageMs),
      };
    });
    return toPage(items, input.limit);
  }),

  /**
   * Change a machine's name, line, ideal cycle (PRU) or production flag. `machine` is its id, or its
   * key when that names one machine the caller can see (keys are unique per enterprise only).
   */
  update: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({
      machine: Ref,
      name: z.string().trim().min(1).max(100).optional(),
      lineKey: z.string().trim().max(64).nullable().optional(),
      idealCycleS: z.number().positive().max(86_400).nullable().optional(),
      production: z.boolean().optional(),
    }),
    touches: (i) => ({ machine: i.machine }),
  }).mutation(async ({ ctx, input }) => {
    const m = ctx.scope.machine;
    const ent = { id: m.enterpriseId };
    return ctx.handle.db.transaction(async (tx) => {
      let lineId: number | null | undefined;
      if (input.lineKey === null) lineId = null;
      else if (input.lineKey !== undefined) {
        await tx
          .insert(lines)
          .values({ key: input.lineKey, enterpriseId: ent.id, name: input.lineKey })
          .onConflictDoNothing();
        const [l] = await tx
          .select()
          .from(lines)
          .where(and(eq(lines.enterpriseId, ent.id), eq(lines.key, input.lineKey)));
        if (!l) throw new WeftError("INTERNAL", "line vanished");
        lineId = l.id;
      }
      const patch = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(lineId !== undefined ? { lineId } : {}),
        ...(input.idealCycleS !== undefined ? { idealCycleS: input.idealCycleS } : {}),
        ...(input.production !== undefined ? { production: input.production } : {}),
      };
      if (Object.keys(patch).length === 0) return m;
      const [row] = await tx.update(machines).set(patch).where(eq(machines.id, m.id)).returning();
      await audit(tx, ctx.principal, "machine.update", `machine:${m.id}`, { key: m.key, ...patch });
      return row ?? m;
    });
  }),
});
