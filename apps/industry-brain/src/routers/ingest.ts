import { IngestStateInput, IngestStateOutput } from "@weft/core";
import { gatewaySeqState } from "@weft/db";
import { parseReadingBatch } from "../ingest/fast-parse.ts";
import { ingestBatch } from "../ingest/service.ts";
import { createTRPCRouter, gatewayProcedure } from "../trpc.ts";

export const ingestRouter = createTRPCRouter({
  /**
   * The brain's view of the calling gateway's seqs: the highest stored, and optionally which batches
   * (with their stored reading counts) it has in a range. A gateway uses it to resynchronise after
   * a SEQ_CONFLICT and to tell what a power cut took from its journal from what had been delivered.
   */
  state: gatewayProcedure
    .input(IngestStateInput)
    .output(IngestStateOutput)
    .query(({ ctx, input }) => gatewaySeqState(ctx.handle.db, ctx.gateway.id, input ?? null)),
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
