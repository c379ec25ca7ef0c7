import { z } from "zod";

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parse `"256MiB"`, `"10 MB"` or a plain number of bytes; null when malformed. */
export function parseBytes(v: string | number): number | null {
  if (typeof v === "number") return Number.isSafeInteger(v) && v > 0 ? v : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = BYTE_UNITS[(m?.[2] || "b").toLowerCase()];
  if (!m?.[1] || unit === undefined) return null;
  const n = Math.round(Number(m[1]) * unit);
  return n > 0 ? n : null;
}

/** Parse `"500ms"`, `"5s"`, `"2m"`, `"1h"` or a plain number of milliseconds; null when malformed. */
export function parseDuration(v: string | number): number | null {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(v);
  const unit = DURATION_UNITS[(m?.[2] || "ms").toLowerCase()];
  if (!m?.[1] || unit === undefined) return null;
  return Math.round(Number(m[1]) * unit);
}

/** A byte size: a number of bytes or a string with a unit (B, KB, MB, GB, KiB, MiB, GiB). */
export const ByteSize = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const n = parseBytes(v);
    if (n === null) {
      ctx.addIssue({
        code: "custom",
        message: `"${v}" is not a byte size: write e.g. 256MiB, 10MB or 1048576`,
      });
      return z.NEVER;
    }
    return n;
  })
  .meta({ description: "Bytes: a number, or a string such as 256MiB, 10MB, 512KiB" });

/** A duration: milliseconds, or a string with a unit (ms, s, m, h). */
export const Duration = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const n = parseDuration(v);
    if (n === null) {
      ctx.addIssue({ code: "custom", message: `"${v}" is not a duration: write e.g. 500ms, 5s, 2m or 1000` });
      return z.NEVER;
    }
    return n;
  })
  .meta({ description: "Milliseconds: a number, or a string such as 500ms, 5s, 2m, 1h" });
