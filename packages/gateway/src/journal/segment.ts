import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./fsutil.ts";
import { encodeRecord } from "./record.ts";
import { type DamagedRange, scanSegment } from "./scan.ts";

export const SEGMENT_SUFFIX = ".seg";

/** Where one record lives and what it holds, kept in memory for every segment. */
export interface RecordEntry {
  seq: number;
  offset: number;
  size: number;
  readings: number;
  firstTs: number;
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

export interface LoadedSegment {
  segment: Segment;
  quarantine?: QuarantineReport;
  /** Bytes of a torn tail cut off (a write the crash interrupted). */
  truncatedBytes: number;
}

/**
 * Load one segment: index its valid records. Damage in the middle (or a torn
 * tail on a segment that is not the newest) quarantines a copy of the file and
 * rewrites the segment with only its valid records; a torn tail on the newest
 * segment is truncated (the documented fsync window).
 */
export function loadSegment(dir: string, name: string, isLast: boolean, now: number): LoadedSegment {
  const file = path.join(dir, name);
  const buf = fs.readFileSync(file);
  const scan = scanSegment(buf);
  const records = scan.records.map((r) => ({
    seq: r.seq,
    offset: r.offset,
    size: r.size,
    readings: r.readings,
    firstTs: r.firstTs,
  }));
  const damaged = [...scan.damaged];
  if (scan.tornTailAt !== null && !isLast)
    damaged.push({ start: scan.tornTailAt, end: buf.length, reason: "short" });
  if (damaged.length > 0) {
    const qdir = path.join(dir, "quarantine");
    fs.mkdirSync(qdir, { recursive: true });
    const quarantinedAs = path.join(qdir, `${name}.${now}.corrupt`);
    fs.copyFileSync(file, quarantinedAs);
    const rewritten = Buffer.concat(scan.records.map((r) => encodeRecord(r, r.payload)));
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
    };
  }
  let truncatedBytes = 0;
  let bytes = buf.length;
  if (scan.tornTailAt !== null) {
    truncatedBytes = buf.length - scan.tornTailAt;
    bytes = scan.tornTailAt;
    fs.truncateSync(file, bytes);
  }
  return { segment: { name, file, bytes, records }, truncatedBytes };
}
