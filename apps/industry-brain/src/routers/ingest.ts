import { z } from "zod";
import { parseReadingBatch } from "../ingest/fast-parse.ts";
import { ingestBatch } from "../ingest/service.ts";
import { createTRPCRouter, gatewayProcedure } from "../trpc.ts";

export const IngestOutput = z.object({
  accepted: z.number().int(),
  duplicate: z.boolean(),
  rejected: z.array(z.object({ index: z.number().int(), reason: z.string() })),
  registered: z.array(z.string()),
});

export const ingestRouter = createTRPCRouter({
  /**
   * Store one batch from an edge gateway (`Authorization: Bearer <api key>`). Idempotent on
   * (gatewayId, seq); implausible timestamps are rejected one by one.
   */
  push: gatewayProcedure.input(parseReadingBatch).mutation(({ ctx, input }) =>
    ingestBatch(
      {
        handle: ctx.handle,
        now: ctx.now,
        logger: ctx.logger,
        derive: { staleMs: ctx.settings.staleAfterMs, microstopMs: ctx.settings.microstopMs },
      },
      ctx.gateway,
      input,
    ),
  ),
});
