import { z } from "zod";
import { AssetKey } from "./asset.ts";
import { Reading } from "./reading.ts";
import { SignalRole } from "./signals.ts";

/** Largest batch the brain accepts in one `ingest.push`. */
export const MAX_BATCH_READINGS = 50_000;

/**
 * A reading on the wire: which machine it belongs to and, when a device
 * profile mapped it, which signal role it carries. A `state` signal's value
 * is a {@link MachineState} string.
 */
export const BatchReading = Reading.extend({
  machine: AssetKey,
  signal: SignalRole.optional(),
});
export type BatchReading = z.infer<typeof BatchReading>;

const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** One gateway batch inside a merged upload: its seq and how many of the readings are its own. */
export const BatchPart = z.object({ seq: Seq, count: z.number().int().positive() });
export type BatchPart = z.infer<typeof BatchPart>;

/**
 * The one contract between gateway and brain. `seq` increases per batch per
 * gateway and is never reused for other content; the brain stores each
 * (gatewayId, seq) once with a digest of its readings, so a replayed batch is
 * accepted and ignored, and a reused seq with other readings is refused
 * (`SEQ_CONFLICT`). A gateway draining a backlog merges consecutive batches
 * into one upload: `parts` lists them in order (seqs increasing, counts adding
 * up to `readings.length`, the first one's seq equal to `seq`), and the brain
 * deduplicates each part on its own. Without `parts` the upload is one batch.
 */
export const ReadingBatch = z
  .object({
    gatewayId: z.string().min(1).max(64),
    seq: Seq,
    sentAt: z.number().int().nonnegative().optional(),
    parts: z.array(BatchPart).min(1).max(MAX_BATCH_READINGS).optional(),
    readings: z.array(BatchReading).min(1, "a batch carries at least one reading").max(MAX_BATCH_READINGS),
  })
  .superRefine((b, ctx) => {
    const problem = partsProblem(b.seq, b.parts, b.readings.length);
    if (problem) ctx.addIssue({ code: "custom", path: ["parts"], message: problem });
  });
export type ReadingBatch = z.infer<typeof ReadingBatch>;

/** Why `parts` does not describe `readings` (null when it does, or when there are no parts). */
export function partsProblem(
  seq: number,
  parts: readonly BatchPart[] | undefined,
  readings: number,
): string | null {
  if (!parts) return null;
  if (parts[0]?.seq !== seq) return "the first part's seq must equal the batch seq";
  let sum = 0;
  let last = -1;
  for (const p of parts) {
    if (p.seq <= last) return "part seqs must increase";
    last = p.seq;
    sum += p.count;
  }
  return sum === readings ? null : `part counts add up to ${sum}, but the batch has ${readings} readings`;
}

/** Oldest and newest plausible timestamps; the brain rejects readings outside them one by one. */
export const EARLIEST_READING_MS = Date.UTC(2000, 0, 1);
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
