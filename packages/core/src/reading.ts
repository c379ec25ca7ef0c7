import { z } from "zod";
import { CounterSpec } from "./counter-spec.ts";

/** Per-point quality. A Modbus exception or OPC UA status is data here, never a thrown error. */
export const QUALITIES = ["good", "uncertain", "bad"] as const;
export const Quality = z.enum(QUALITIES);
export type Quality = z.infer<typeof Quality>;

/** JSON-safe reading value. Int64/UInt64 travel as decimal strings so they stay exact. */
export type ReadingValue =
  | number
  | string
  | boolean
  | null
  | ReadingValue[]
  | { [key: string]: ReadingValue };
export const ReadingValue: z.ZodType<ReadingValue> = z.lazy(() =>
  z.union([
    z.number().refine(Number.isFinite, "must be a finite number (NaN and Infinity are not valid readings)"),
    z.string().max(4096),
    z.boolean(),
    z.null(),
    z.array(ReadingValue),
    z.record(z.string(), ReadingValue),
  ]),
);

/** Epoch milliseconds. */
export const EpochMs = z.number().int().nonnegative();

/**
 * One value of one point, as a connector emits it.
 * `status` keeps the protocol's own words (e.g. `BadNodeIdUnknown`, `modbus:2 Illegal data address`).
 */
export const Reading = z.object({
  point: z.string().min(1).max(200),
  ts: EpochMs,
  value: ReadingValue,
  quality: Quality,
  status: z.string().max(200).optional(),
  /** Set on counter points: the counter's width or rollover (from the data type or the config). */
  counter: CounterSpec.optional(),
});
export type Reading = z.infer<typeof Reading>;

/** A sink a connector pushes readings into; it must not throw. */
export type ReadingSink = (readings: readonly Reading[]) => void;
