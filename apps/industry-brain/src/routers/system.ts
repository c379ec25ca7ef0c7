import { diskUsage, dropExpiredPartitions, listPartitions } from "@weft/db";
import { z } from "zod";
import { audit } from "../audit.ts";
import { cityAdminProcedure, createTRPCRouter } from "../trpc.ts";

export const systemRouter = createTRPCRouter({
  /** Disk use per table family and the raw-reading partitions; retention setting. */
  storage: cityAdminProcedure.query(async ({ ctx }) => {
    const [usage, partitions] = await Promise.all([diskUsage(ctx.handle.db), listPartitions(ctx.handle.db)]);
    return {
      usage,
      rawRetentionDays: ctx.settings.rawRetentionDays,
      partitions: partitions.map((p) => ({ name: p.name, fromMs: p.fromMs })),
    };
  }),

  /** Drop raw-reading partitions older than the retention period now (rollups and jobs are kept). */
  applyRetention: cityAdminProcedure
    .input(z.object({ keepDays: z.number().int().min(1).max(3650).optional() }).default({}))
    .mutation(async ({ ctx, input }) => {
      const keepDays = input.keepDays ?? ctx.settings.rawRetentionDays;
      const result = await dropExpiredPartitions(ctx.handle.db, { keepDays, now: ctx.now() });
      await audit(ctx.handle.db, ctx.principal, "system.retention", "readings", {
        keepDays,
        dropped: result.droppedPartitions,
      });
      return { ...result, cutoff: result.cutoff.getTime(), keepDays };
    }),
});
