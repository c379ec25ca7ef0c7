/**
 * The uplink contract between an edge gateway and the brain, beside {@link ReadingBatch}: what
 * `ingest.push` answers and what `ingest.state` takes and answers. It lives here, not in the brain,
 * so that the gateway (and any other uplink client) depends on a published package only; the
 * brain's ingest router declares these very schemas as its input and output.
 */
import { z } from "zod";

/** Most batches `ingest.state` lists in one answer. */
export const SEQ_STATE_LIMIT = 10_000;

/** One reading of a batch the brain refused, by its index in the batch, with why. */
export const RejectedReading = z.object({ index: z.number().int(), reason: z.string() });
export type RejectedReading = z.infer<typeof RejectedReading>;

/** What the brain answers to `ingest.push`. */
export const IngestPushOutput = z.object({
  /** Readings stored (or, for a replayed batch, that had been stored the first time). */
  accepted: z.number().int(),
  /** True when this (gatewayId, seq) was already stored: nothing was written again. */
  duplicate: z.boolean(),
  /** Seqs of the parts of a merged upload that were stored before (replays), in order. */
  duplicateParts: z.array(z.number().int()),
  rejected: z.array(RejectedReading),
  /** Machine keys this batch registered in the gateway's enterprise. */
  registered: z.array(z.string()),
});
export type IngestPushOutput = z.infer<typeof IngestPushOutput>;

const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** `ingest.state`'s input: list the batches stored with after < seq ≤ upTo (at most 10,000). */
export const IngestStateInput = z
  .object({ after: Seq, upTo: Seq })
  .refine((r) => r.upTo >= r.after, { message: "upTo must be ≥ after", path: ["upTo"] })
  .optional();
export type IngestStateInput = z.infer<typeof IngestStateInput>;

/** The brain's view of the calling gateway's seqs. */
export const IngestStateOutput = z.object({
  /** The highest seq stored for this gateway, null when none is. */
  lastSeq: z.number().int().nullable(),
  batches: z.array(z.object({ seq: z.number().int(), readings: z.number().int() })).max(SEQ_STATE_LIMIT),
});
export type IngestStateOutput = z.infer<typeof IngestStateOutput>;
