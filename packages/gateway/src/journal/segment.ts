import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./fsutil.ts";
import { declaredMeta } from "./record.ts";
import { type DamagedRange, scanSegment } from "./scan.ts";

export const SEGMENT_SUFFIX = ".seg";

/** Where one record lives and what it holds, kept in memory for every segment. */
export interface RecordEntry {
  seq: number;
  offset: number;
  size: number;
  readings: number;
  firstTs: number;
  /** Readings appended before this record (see record.ts); null for an old-format record. */
  cum: number | null;
}

export interface Segment {
  name: string;
  file: string;
  bytes: number;
  records: RecordEntry[];
}

export function segmentName(firstSeq: number): string {
  return `${String(firstSeq).padStart(20, "0")}${SEGMENT_SUFFIX}`;
}

export function listSegmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(SEGMENT_SUFFIX))
    .sort();
}

export interface QuarantineReport {
  segment: string;
  /** Copy of the damaged file, kept for inspection. */
  quarantinedAs: string;
  damaged: DamagedRange[];
  recordsKept: number;
  at: number;
}

/** A stretch of a segment with no valid record, where it sits among the valid ones and what it declared. */
export interface Gap {
  /** Valid records of the segment before the gap. */
  index: number;
  bytes: number;
  /** What intact record headers inside the gap declared (unverified). */
  declared: { seq: number; readings: number }[];
  /** True for bytes after the last valid record of the newest segment (a write cut short). */
  tail: boolean;
}

export interface LoadedSegment {
  segment: Segment;
  quarantine?: QuarantineReport;
  /** Bytes of a torn tail cut off (a write the crash interrupted). */
  truncatedBytes: number;
  /** Every stretch of bytes that held no valid record: what recovery lost here. */
  gaps: Gap[];
}

/**
 * Load one segment: index its valid records. Damage in the middle (or a torn
 * tail on a segment that is not the newest) quarantines a copy of the file and
 * rewrites the segment with only its valid records (byte for byte); a torn tail
 * on the newest segment is truncated (a write the crash cut short).
 */
export function loadSegment(dir: string, name: string, isLast: boolean, now: number): LoadedSegment {
  const file = path.join(dir, name);
  const buf = fs.readFileSync(file);
  const scan = scanSegment(buf);
  const records: RecordEntry[] = scan.records.map((r) => ({
    seq: r.seq,
    offset: r.offset,
    size: r.size,
    readings: r.readings,
    firstTs: r.firstTs,
    cum: r.cum,
  }));
  const damaged = [...scan.damaged];
  if (scan.tornTailAt !== null && !isLast)
    damaged.push({ start: scan.tornTailAt, end: buf.length, reason: "short" });
  const gaps: Gap[] = damaged.map((d) => gapOf(buf, d.start, d.end, records, false));
  if (scan.tornTailAt !== null && isLast) gaps.push(gapOf(buf, scan.tornTailAt, buf.length, records, true));
  if (damaged.length > 0) {
    const qdir = path.join(dir, "quarantine");
    fs.mkdirSync(qdir, { recursive: true });
    const quarantinedAs = path.join(qdir, `${name}.${now}.corrupt`);
    fs.copyFileSync(file, quarantinedAs);
    const rewritten = Buffer.concat(scan.records.map((r) => buf.subarray(r.offset, r.offset + r.size)));
    writeFileAtomic(file, rewritten);
    let offset = 0;
    for (const r of records) {
      r.offset = offset;
      offset += r.size;
    }
    return {
      segment: { name, file, bytes: rewritten.length, records },
      quarantine: { segment: name, quarantinedAs, damaged, recordsKept: records.length, at: now },
      truncatedBytes: 0,
      gaps,
    };
  }
  let truncatedBytes = 0;
  let bytes = buf.length;
  if (scan.tornTailAt !== null) {
    truncatedBytes = buf.length - scan.tornTailAt;
    bytes = scan.tornTailAt;
    fs.truncateSync(file, bytes);
  }
  return { segment: { name, file, bytes, records }, truncatedBytes, gaps };
}

/** Describe the damaged bytes [start, end): where they sit and any record header still legible in them. */
function gapOf(buf: Buffer, start: number, end: number, records: RecordEntry[], tail: boolean): Gap {
  const declared: { seq: number; readings: number }[] = [];
  for (
    let at = buf.indexOf("WFJ", start, "latin1");
    at !== -1 && at < end;
    at = buf.indexOf("WFJ", at + 1, "latin1")
  ) {
    const d = declaredMeta(buf.subarray(0, end), at);
    if (d) declared.push(d);
  }
  let index = 0;
  while (index < records.length && (records[index]?.offset ?? 0) < start) index++;
  return { index, bytes: end - start, declared, tail };
}
