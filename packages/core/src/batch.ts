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

/**
 * The one contract between gateway and brain. `seq` increases by one per
 * batch per gateway and survives gateway restarts; the brain stores a
 * (gatewayId, seq) pair once, so a replayed batch is accepted and ignored.
 */
export const ReadingBatch = z.object({
  gatewayId: z.string().min(1).max(64),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  sentAt: z.number().int().nonnegative().optional(),
  readings: z.array(BatchReading).min(1, "a batch carries at least one reading").max(MAX_BATCH_READINGS),
});
export type ReadingBatch = z.infer<typeof ReadingBatch>;

/** Oldest and newest plausible timestamps; the brain rejects readings outside them one by one. */
export const EARLIEST_READING_MS = Date.UTC(2000, 0, 1);
export const MAX_FUTURE_SKEW_MS = 5 * 60_000;
