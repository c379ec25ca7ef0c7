import { applyScaling } from "@weft/connector-sdk";
import type { Reading, ReadingValue } from "@weft/core";
import { decodePackedBit, decodePoint, type RawValue } from "../decode.ts";
import { isBitArea } from "../types.ts";
import type { PlannedBlock, ResolvedPoint } from "./plan.ts";

/** Turn a raw decoded value into a reading value (bigint → decimal string unless scaled). */
export function toReadingValue(raw: RawValue, p: ResolvedPoint): ReadingValue {
  if (p.type === "float32" && typeof raw === "number") raw = shortestFloat32(raw);
  if (typeof raw === "bigint") {
    if (p.scale === undefined && p.offset === undefined) return raw.toString();
    return applyScaling(Number(raw), p);
  }
  return applyScaling(raw, p);
}

/** Decode every point of a block from the response's data bytes; returns how many are bad. */
export function decodeBlock(b: PlannedBlock, data: Uint8Array, ts: number, out: Reading[]): number {
  let bad = 0;
  const bits = isBitArea(b.area);
  for (const span of b.block.spans) {
    const p = span.item;
    const rel = p.address - b.block.start;
    const raw = bits ? decodePackedBit(data, 0, rel) : decodePoint(data, rel * 2, p);
    const value = toReadingValue(raw, p);
    if (typeof value === "number" && !Number.isFinite(value)) {
      bad++;
      out.push({
        point: p.id,
        ts,
        value: null,
        quality: "bad",
        status: `not a finite number (${value}) at ${p.where}`,
      });
    } else if (p.counter) out.push({ point: p.id, ts, value, quality: "good", counter: p.counter });
    else out.push({ point: p.id, ts, value, quality: "good" });
  }
  return bad;
}

/** Mark every point of a block bad; returns how many readings were added. */
export function badReadings(b: PlannedBlock, ts: number, status: string, out: Reading[]): number {
  const s = status.length > 200 ? `${status.slice(0, 197)}...` : status;
  for (const span of b.block.spans)
    out.push({ point: span.item.id, ts, value: null, quality: "bad", status: s });
  return b.block.spans.length;
}

/** Exact powers of ten (10^0 … 10^22 are exactly representable as doubles). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The shortest decimal (up to 9 significant digits) that is the same float32:
 * 12.800000190734863 → 12.8. Uses scaled rounding, not string formatting, where that is exact,
 * because it runs for every point of every poll.
 */
export function shortestFloat32(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const mag = Math.floor(Math.log10(Math.abs(v)));
  for (let digits = 7; digits <= 9; digits++) {
    const k = digits - 1 - mag;
    const scale = POW10[k];
    const r = scale !== undefined ? Math.round(v * scale) / scale : Number.parseFloat(v.toPrecision(digits));
    if (Math.fround(r) === v) return r;
  }
  return v;
}
