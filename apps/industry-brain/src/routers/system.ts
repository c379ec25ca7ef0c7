import { diskUsage, dropExpiredPartitions, listPartitions, queryRows, toDate } from "@weft/db";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { type Page, PageInput, toPage } from "../internal/pagination.ts";
import { createTRPCRouter, listProcedure, scopedProcedure } from "../trpc.ts";

const AuditInput = PageInput.extend({
  /** `user.create` exactly, or a prefix ending in a dot: `ingest.` */
  action: z.string().trim().min(1).max(100).optional(),
  /** `user:12`, `gateway:gw-1` or `system`. */
  actor: z.string().trim().min(1).max(100).optional(),
  /** Epoch ms, inclusive. */
  since: z.number().int().nonnegative().optional(),
  /** Epoch ms, exclusive. */
  until: z.number().int().nonnegative().optional(),
}).default({ limit: 50 });

export interface AuditEntry {
  id: number;
  /** Epoch ms. */
  at: number;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown> | null;
}

export const systemRouter = createTRPCRouter({
  /**
   * Disk use per table family and the raw-reading partitions; retention setting. The database is
   * shared by every city, so this is the system administrator's (a city-admin of no city).
   */
  storage: listProcedure({ roles: ["system-admin"], lists: ["storage"] }).query(async ({ ctx }) => {
    const [usage, partitions] = await Promise.all([diskUsage(ctx.handle.db), listPartitions(ctx.handle.db)]);
    return {
      usage,
      rawRetentionDays: ctx.settings.rawRetentionDays,
      partitions: partitions.map((p) => ({ name: p.name, fromMs: p.fromMs })),
    };
  }),

  /**
   * Drop raw-reading partitions older than the retention period now (rollups and jobs are kept).
   * Partitions hold every city's readings, so only the system administrator may drop them.
   */
  applyRetention: scopedProcedure({
    roles: ["system-admin"],
    mode: "write",
    input: z.object({ keepDays: z.number().int().min(1).max(3650).optional() }).default({}),
    lists: ["storage"],
  }).mutation(async ({ ctx, input }) => {
    const keepDays = input.keepDays ?? ctx.settings.rawRetentionDays;
    const result = await dropExpiredPartitions(ctx.handle.db, { keepDays, now: ctx.now() });
    await audit(ctx.handle.db, ctx.principal, "system.retention", "readings", {
      keepDays,
      dropped: result.droppedPartitions,
    });
    return { ...result, cutoff: result.cutoff.getTime(), keepDays };
  }),

  /**
   * The audit log, newest first, in pages (`cursor`: the last id of the previous page). A city
   * administrator sees the writes of their city's users and gateways, and the system's.
   */
  auditLog: scopedProcedure({ roles: ["city-admin"], input: AuditInput, lists: ["audit"] }).query(
    async ({ ctx, input }): Promise<Page<AuditEntry>> => {
      const cityId = ctx.user.cityId;
      const action = input.action;
      const rows = await queryRows<{
        id: number | string;
        at: unknown;
        actor: string;
        action: string;
        target: string;
        details: unknown;
      }>(
        ctx.handle.db,
        sql`select a.id, a.at, a.actor, a.action, a.target, a.details from audit_log a
          where true
          ${input.cursor ? sql`and a.id < ${input.cursor}` : sql``}
          ${action === undefined ? sql`` : action.endsWith(".") ? sql`and starts_with(a.action, ${action})` : sql`and a.action = ${action}`}
          ${input.actor === undefined ? sql`` : sql`and a.actor = ${input.actor}`}
          ${input.since === undefined ? sql`` : sql`and a.at >= to_timestamp(${input.since / 1000}::float8)`}
          ${input.until === undefined ? sql`` : sql`and a.at < to_timestamp(${input.until / 1000}::float8)`}
          ${
            cityId === null
              ? sql``
              : sql`and (a.actor = 'system'
                  or exists (select 1 from users u where u.id = a.actor_user_id and u.city_id = ${cityId})
                  or exists (select 1 from gateways g join enterprises e on e.id = g.enterprise_id
                             join parks p on p.id = e.park_id
                             where a.actor = 'gateway:' || g.id and p.city_id = ${cityId}))`
          }
          order by a.id desc limit ${input.limit + 1}`,
      );
      const entries = rows.map(
        (r): AuditEntry => ({
          id: Number(r.id),
          at: toDate(r.at).getTime(),
          actor: r.actor,
          action: r.action,
          target: r.target,
          details: (typeof r.details === "string"
            ? JSON.parse(r.details)
            : r.details) as AuditEntry["details"],
        }),
      );
      return toPage(entries, input.limit);
    },
  ),
});
