import { MAX_BATCH_READINGS, partsProblem, QUALITIES, ReadingBatch, SIGNAL_ROLES } from "@weft/core";

const ASSET_KEY = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const QUALITY = new Set<string>(QUALITIES);
const SIGNAL = new Set<string>(SIGNAL_ROLES);
const READING_KEYS = new Set(["machine", "point", "ts", "value", "quality", "status", "signal", "counter"]);
const BATCH_KEYS = new Set(["gatewayId", "seq", "sentAt", "parts", "readings"]);
const PART_KEYS = new Set(["seq", "count"]);

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const nonNegInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

function onlyKeys(o: Record<string, unknown>, allowed: Set<string>): boolean {
  for (const k in o) if (!allowed.has(k)) return false;
  return true;
}

/**
 * The common shape of a batch (scalar values, known keys only) checked by hand, about ten times faster
 * than the zod schema. Returns null for anything outside that shape, so the caller falls back to
 * `ReadingBatch.parse`, which accepts or rejects it with field-level issues. It accepts a strict subset
 * of what the schema accepts and returns the same value (property-tested).
 */
export function fastReadingBatch(raw: unknown): ReadingBatch | null {
  if (!isObj(raw) || !onlyKeys(raw, BATCH_KEYS)) return null;
  const { gatewayId, seq, sentAt, parts, readings } = raw;
  if (typeof gatewayId !== "string" || gatewayId.length < 1 || gatewayId.length > 64) return null;
  if (!nonNegInt(seq)) return null;
  if (sentAt !== undefined && !nonNegInt(sentAt)) return null;
  if (!Array.isArray(readings) || readings.length < 1 || readings.length > MAX_BATCH_READINGS) return null;
  if (parts !== undefined && !fastParts(parts, seq, readings.length)) return null;
  // A batch names few machines thousands of times: each key is pattern-checked once.
  const machines = new Set<string>();
  for (let i = 0; i < readings.length; i++) {
    const r: unknown = readings[i];
    if (!isObj(r) || !onlyKeys(r, READING_KEYS)) return null;
    const { machine, point, ts, value, quality, status, signal, counter } = r;
    if (typeof machine !== "string") return null;
    if (!machines.has(machine)) {
      if (!ASSET_KEY.test(machine)) return null;
      machines.add(machine);
    }
    if (typeof point !== "string" || point.length < 1 || point.length > 200) return null;
    if (!nonNegInt(ts)) return null;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return null;
    } else if (typeof value === "string") {
      if (value.length > 4096) return null;
    } else if (value !== null && typeof value !== "boolean") return null;
    if (typeof quality !== "string" || !QUALITY.has(quality)) return null;
    if (status !== undefined && (typeof status !== "string" || status.length > 200)) return null;
    if (signal !== undefined && (typeof signal !== "string" || !SIGNAL.has(signal))) return null;
    if (counter !== undefined && !fastCounter(counter)) return null;
  }
  return raw as ReadingBatch;
}

/** `{ bits: 16 | 32 | 64 }` or `{ max: positive safe integer }`, nothing else. */
function fastCounter(c: unknown): boolean {
  if (!isObj(c)) return false;
  const keys = Object.keys(c);
  if (keys.length !== 1) return false;
  if (keys[0] === "bits") return c.bits === 16 || c.bits === 32 || c.bits === 64;
  return keys[0] === "max" && Number.isSafeInteger(c.max) && (c.max as number) > 0;
}

function fastParts(parts: unknown, seq: number, readings: number): boolean {
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > MAX_BATCH_READINGS) return false;
  for (const p of parts as unknown[]) {
    if (!isObj(p) || !onlyKeys(p, PART_KEYS) || !nonNegInt(p.seq) || !nonNegInt(p.count) || p.count < 1)
      return false;
  }
  return partsProblem(seq, parts as { seq: number; count: number }[], readings) === null;
}

/** tRPC input parser for `ingest.push`: the fast path, else the full zod schema (with its field errors). */
export function parseReadingBatch(raw: unknown): ReadingBatch {
  return fastReadingBatch(raw) ?? ReadingBatch.parse(raw);
}
