import type { Quality, ReadingValue } from "@weft/core";
import { utcDay } from "../partitions.ts";
import { QUALITY_CODES } from "../schema/ingest.ts";
import { CopyWriter, FIXED_FIELD_MAX } from "./copy-binary.ts";

/** Rows per INSERT statement: large enough to amortise the round trip, small enough for memory. */
export const DEFAULT_CHUNK_SIZE = 10_000;

/** One raw reading to store. `ts` is epoch ms (or a Date). */
export interface ReadingRow {
  machineId: number;
  pointKey: string;
  ts: number | Date;
  value: ReadingValue;
  quality: Quality;
  status?: string | null;
  signal?: string | null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATE_G = new RegExp(LONE_SURROGATE.source, "g");

/**
 * PostgreSQL text and jsonb cannot hold U+0000 (devices pad ASCII registers with it), so it is
 * dropped rather than failing the whole batch; a lone UTF-16 surrogate becomes U+FFFD, as UTF-8
 * encoding does anyway (jsonb would reject its `\ud800` escape).
 */
function cleanText(s: string): string {
  const t = s.includes("\u0000") ? s.replaceAll("\u0000", "") : s;
  return LONE_SURROGATE.test(t) ? t.replace(LONE_SURROGATE_G, "\uFFFD") : t;
}

/** JSON.stringify replacer: clean strings, and object keys too (a replacer never sees keys). */
function cleanJson(_key: string, value: unknown): unknown {
  if (typeof value === "string") return cleanText(value);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.every((k) => cleanText(k) === k)) return value;
  const out: Record<string, unknown> = {};
  for (const k of keys) out[cleanText(k)] = (value as Record<string, unknown>)[k];
  return out;
}

const bytesFor = (rows: number): number => 64 + rows * 48;

interface SeriesFields {
  signal: string | null;
  bytes: Uint8Array;
  next: SeriesFields | undefined;
}

/** Column order of the binary COPY the encoder writes. */
export const READING_COPY_COLUMNS =
  "machine_id, point_key, signal, ts, quality, value_num, value_text, value_json, status";
const FIELDS = 9;

/** Readings encoded for insert: binary COPY data in parts, and the UTC days they touch. */
export interface EncodedReadings {
  count: number;
  /** Binary COPY data: the first part starts with the header, the last ends with the trailer. */
  parts: Uint8Array[];
  /** UTC days (since epoch) the readings fall on: their partitions must exist before the insert. */
  days: Set<number>;
}

/**
 * Encodes readings one at a time straight into binary COPY rows (no intermediate row objects).
 * A batch repeats a few series (machine, point, signal) thousands of times, so each series' leading
 * fields are encoded once and copied. Every `partRows` rows a part is closed (one COPY data message).
 * @example
 * const enc = new ReadingEncoder();
 * enc.add(7, "Speed", "speed", Date.now(), 12000, "good", null);
 * await insertReadings(db, enc.finish());
 */
export class ReadingEncoder {
  private readonly parts: Uint8Array[] = [];
  private readonly days = new Set<number>();
  private readonly series = new Map<number, Map<string, SeriesFields>>();
  private out: CopyWriter;
  private rowsInPart = 0;
  private lastDay = Number.NaN;
  private count = 0;

  private readonly partRows: number;

  /**
   * `partRows`: rows per part (default 10,000); `expectedRows` sizes the first buffer (about 48 bytes
   * a reading), which saves regrowth copies.
   */
  constructor(options: { partRows?: number; expectedRows?: number } = {}) {
    const partRows = options.partRows ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(partRows) || partRows < 1)
      throw new RangeError("chunkSize must be a positive integer");
    this.partRows = partRows;
    this.out = new CopyWriter(bytesFor(Math.min(partRows, options.expectedRows ?? 1024)));
    this.out.header();
  }

  add(
    machineId: number,
    pointKey: string,
    signal: string | null,
    ts: number,
    value: ReadingValue,
    quality: Quality,
    status: string | null,
  ): void {
    if (this.rowsInPart === this.partRows) {
      this.parts.push(this.out.bytes());
      this.out = new CopyWriter(bytesFor(this.partRows));
      this.rowsInPart = 0;
    }
    const w = this.out;
    const series = this.seriesFields(machineId, pointKey, signal);
    // Room for the series fields and every fixed-size field below (they come before any text).
    w.reserve(series.length + 4 * FIXED_FIELD_MAX);
    w.raw(series);
    w.timestamptz(ts);
    w.int2(QUALITY_CODES[quality]);
    if (typeof value === "number") {
      w.float8(value);
      w.null();
      w.null();
    } else if (typeof value === "string") {
      w.null();
      w.text(cleanText(value));
      w.null();
    } else if (typeof value === "boolean") {
      w.float8(value ? 1 : 0);
      w.null();
      w.jsonb(value ? "true" : "false");
    } else if (value === null) {
      w.null();
      w.null();
      w.null();
    } else {
      w.null();
      w.null();
      w.jsonb(JSON.stringify(value, cleanJson));
    }
    if (status === null) w.null();
    else w.text(cleanText(status));
    this.rowsInPart++;
    this.count++;
    const day = utcDay(ts);
    if (day !== this.lastDay) {
      this.days.add(day);
      this.lastDay = day;
    }
  }

  finish(): EncodedReadings {
    this.out.trailer();
    this.parts.push(this.out.bytes());
    return { count: this.count, parts: this.parts, days: this.days };
  }

  /** Field count, machine_id, point_key and signal of a series, encoded once per batch. */
  private seriesFields(machineId: number, pointKey: string, signal: string | null): Uint8Array {
    let points = this.series.get(machineId);
    if (!points) {
      points = new Map();
      this.series.set(machineId, points);
    }
    // The signal is almost always fixed per point; a point read under several signals chains them.
    const head = points.get(pointKey);
    for (let e = head; e !== undefined; e = e.next) if (e.signal === signal) return e.bytes;
    const w = new CopyWriter(64);
    w.fieldCount(FIELDS);
    w.int4(machineId);
    w.text(cleanText(pointKey));
    if (signal === null) w.null();
    else w.text(signal);
    const bytes = w.bytes();
    points.set(pointKey, { signal, bytes, next: head });
    return bytes;
  }
}

/**
 * Encode rows for insert. Value encoding: number → value_num; string → value_text;
 * boolean → value_num 0/1 and value_json true/false; arrays/objects → value_json; null → nothing.
 * U+0000 is removed from strings (PostgreSQL cannot store it).
 */
export function encodeReadings(rows: readonly ReadingRow[], chunkSize = DEFAULT_CHUNK_SIZE): EncodedReadings {
  const enc = new ReadingEncoder({ partRows: chunkSize, expectedRows: rows.length });
  for (const r of rows) {
    enc.add(
      r.machineId,
      r.pointKey,
      r.signal ?? null,
      typeof r.ts === "number" ? r.ts : r.ts.getTime(),
      r.value,
      r.quality,
      r.status ?? null,
    );
  }
  return enc.finish();
}

/** Decode a stored reading value (inverse of the encoding in {@link encodeReadings}). */
export function readingValueOf(row: {
  valueNum: number | null;
  valueText: string | null;
  valueJson: unknown;
}): ReadingValue {
  if (row.valueJson !== null && row.valueJson !== undefined) return row.valueJson as ReadingValue;
  if (row.valueText !== null) return row.valueText;
  return row.valueNum;
}

/** Quality name from its stored code. */
export function qualityOf(code: number): Quality {
  return code === 0 ? "good" : code === 1 ? "uncertain" : "bad";
}
