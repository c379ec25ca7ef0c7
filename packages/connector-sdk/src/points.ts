import { CounterSpec } from "@weft/core";
import { z } from "zod";

/**
 * Fields every connector's point config shares. A connector extends it with its
 * own addressing, e.g. `PointBase.extend({ area, address, type })`.
 */
export const PointBase = z.object({
  /** Stable id carried by every reading of this point. */
  id: z.string().min(1).max(200),
  unit: z.string().max(32).optional(),
  /** Engineering value = raw × scale + offset. */
  scale: z
    .number()
    .finite()
    .refine((v) => v !== 0, "must not be 0")
    .optional(),
  offset: z.number().finite().optional(),
  /** Emit a numeric value only when it moved by at least this much since the last emitted one. */
  deadband: z.number().finite().nonnegative().optional(),
  /**
   * A counter's width or rollover (`{ bits: 16 }`, `{ max: 999999 }`), sent with its readings so the
   * brain tells a wrap from a reset. Connectors fill it from the data type where the protocol says it.
   */
  counter: CounterSpec.optional(),
});
export type PointBase = z.infer<typeof PointBase>;

/**
 * Apply `scale` and `offset` to a raw numeric value; other values pass through.
 * @example applyScaling(215, { scale: 0.1 }) // 21.5
 */
export function applyScaling<T>(raw: T, point: Pick<PointBase, "scale" | "offset">): T | number {
  if (typeof raw !== "number") return raw;
  const scale = point.scale ?? 1;
  const offset = point.offset ?? 0;
  if (scale === 1 && offset === 0) return raw;
  return roundNoise(raw * scale + offset);
}

/** Undo {@link applyScaling} before a write. */
export function removeScaling(value: number, point: Pick<PointBase, "scale" | "offset">): number {
  return (value - (point.offset ?? 0)) / (point.scale ?? 1);
}

/** Strip binary floating-point noise from a scaled value (21.500000000000004 → 21.5). */
function roundNoise(v: number): number {
  return Number.isFinite(v) ? Number.parseFloat(v.toPrecision(15)) : v;
}

/**
 * Per-point deadband: `accept` returns false when a numeric value moved less than the
 * point's deadband since the last accepted value of the same quality.
 * A quality change, a non-numeric value or the first value is always accepted.
 */
export class DeadbandFilter {
  private readonly last = new Map<string, { value: unknown; quality: string }>();

  accept(pointId: string, deadband: number | undefined, value: unknown, quality: string): boolean {
    const prev = this.last.get(pointId);
    if (
      prev !== undefined &&
      deadband !== undefined &&
      deadband > 0 &&
      prev.quality === quality &&
      typeof value === "number" &&
      typeof prev.value === "number" &&
      Math.abs(value - prev.value) < deadband
    ) {
      return false;
    }
    this.last.set(pointId, { value, quality });
    return true;
  }

  reset(): void {
    this.last.clear();
  }
}
