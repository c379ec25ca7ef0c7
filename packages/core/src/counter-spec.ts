import { z } from "zod";

/**
 * How wide a counter is, i.e. where it rolls over to 0: a binary width (`bits`: UInt16, UInt32,
 * UInt64) or a decimal `max` (a 6-digit sheet counter: 999 999). Travels on a counter reading so
 * the brain tells a wrap from a reset by the counter's own range, not by a guess.
 * @example
 * CounterSpec.parse({ bits: 16 }); counterMax({ bits: 16 }); // 65 535
 * counterMax({ max: 999_999 }); // 999 999
 */
export const CounterSpec = z.union([
  z.strictObject({ bits: z.union([z.literal(16), z.literal(32), z.literal(64)]) }),
  z.strictObject({
    max: z
      .number()
      .int("a counter's max is a whole number (e.g. 999999)")
      .positive()
      .max(Number.MAX_SAFE_INTEGER),
  }),
]);
export type CounterSpec = z.infer<typeof CounterSpec>;

/** The last value before a counter rolls over to 0 (UInt64's is rounded to a double: 2^64). */
export function counterMax(spec: CounterSpec): number {
  return "max" in spec ? spec.max : 2 ** spec.bits - 1;
}
