import { type DecodedRecord, decodeRecordAt, HEADER_BYTES } from "./record.ts";

/** A stretch of bytes that held no valid record. */
export interface DamagedRange {
  start: number;
  end: number;
  reason: "magic" | "length" | "crc" | "short";
}

export interface SegmentScan {
  records: DecodedRecord[];
  /** Damage in the middle of the segment (valid records follow it). */
  damaged: DamagedRange[];
  /**
   * Offset after the last valid record when the segment ends in bytes that are
   * not a complete valid record (a torn write); `null` when the segment ends cleanly.
   */
  tornTailAt: number | null;
}

/**
 * Scan a whole segment: every valid record in order, damaged ranges skipped by
 * searching for the next magic whose record checks out, and a torn tail reported
 * separately (bytes after the last valid record that never became one). Pure.
 */
export function scanSegment(buf: Buffer): SegmentScan {
  const records: DecodedRecord[] = [];
  const damaged: DamagedRange[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const r = decodeRecordAt(buf, offset);
    if (r.kind === "record") {
      records.push(r.record);
      offset += r.record.size;
      continue;
    }
    const next = findNextRecord(buf, offset + 1);
    if (next === -1) return { records, damaged, tornTailAt: offset };
    damaged.push({ start: offset, end: next, reason: r.kind === "short" ? "short" : r.reason });
    offset = next;
  }
  return { records, damaged, tornTailAt: null };
}

/** "WFJ", the part both record formats' magic shares (WFJ1, WFJ2). */
const MAGIC_BYTES = Buffer.from("WFJ");

function findNextRecord(buf: Buffer, from: number): number {
  let at = from;
  while (at <= buf.length - HEADER_BYTES) {
    const hit = buf.indexOf(MAGIC_BYTES, at);
    if (hit === -1) return -1;
    if (decodeRecordAt(buf, hit).kind === "record") return hit;
    at = hit + 1;
  }
  return -1;
}
