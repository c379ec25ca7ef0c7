import type { Quality, ReadingValue } from "@weft/core";
import { QUALITY_CODES } from "../schema/ingest.ts";

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

/**
 * PostgreSQL text and jsonb cannot hold U+0000 (devices pad ASCII registers with it), so it is
 * dropped rather than failing the whole batch.
 */
function noNul(s: string): string {
  return s.includes("\u0000") ? s.replaceAll("\u0000", "") : s;
}
function stripNul(_key: string, value: unknown): unknown {
  return typeof value === "string" ? noNul(value) : value;
}

/** Column arrays for one UNNEST insert (ts as epoch ms). */
export interface ReadingColumns {
  machineId: number[];
  pointKey: string[];
  tsMs: number[];
  valueNum: (number | null)[];
  valueText: (string | null)[];
  valueJson: (string | null)[];
  quality: number[];
  status: (string | null)[];
  signal: (string | null)[];
}

/**
 * Split rows into column arrays. Value encoding: number → value_num; string → value_text;
 * boolean → value_num 0/1 and value_json true/false; arrays/objects → value_json; null → nothing.
 * U+0000 is removed from strings (PostgreSQL cannot store it).
 */
export function toColumns(rows: readonly ReadingRow[], from = 0, to = rows.length): ReadingColumns {
  const n = to - from;
  const c: ReadingColumns = {
    machineId: new Array(n),
    pointKey: new Array(n),
    tsMs: new Array(n),
    valueNum: new Array(n),
    valueText: new Array(n),
    valueJson: new Array(n),
    quality: new Array(n),
    status: new Array(n),
    signal: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[from + i] as ReadingRow;
    const v = r.value;
    c.machineId[i] = r.machineId;
    c.pointKey[i] = r.pointKey;
    c.tsMs[i] = typeof r.ts === "number" ? r.ts : r.ts.getTime();
    c.valueNum[i] = typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : null;
    c.valueText[i] = typeof v === "string" ? noNul(v) : null;
    c.valueJson[i] =
      v !== null && typeof v === "object"
        ? JSON.stringify(v, stripNul)
        : typeof v === "boolean"
          ? String(v)
          : null;
    c.quality[i] = QUALITY_CODES[r.quality];
    c.status[i] = r.status == null ? null : noNul(r.status);
    c.signal[i] = r.signal ?? null;
  }
  return c;
}

/** Decode a stored reading value (inverse of the encoding in {@link toColumns}). */
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
