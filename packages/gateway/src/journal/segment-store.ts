import * as fs from "node:fs";
import * as path from "node:path";
import { fsyncDir } from "./fsutil.ts";
import { decodeRecordAt } from "./record.ts";
import { type RecordEntry, type Segment, segmentName } from "./segment.ts";

/** Where a record is: its segment and its index entry. */
export interface RecordLocation {
  seg: Segment;
  rec: RecordEntry;
}

/**
 * The journal's segment files and the in-memory index of their records, oldest
 * first. Appends go to the newest segment, a new one starting once it would
 * pass `segmentBytes`; segments are only ever deleted from the front. Keeps
 * one descriptor for appending and one for the segment last read from disk.
 */
export class SegmentStore {
  private readonly segments: Segment[];
  private totalBytes = 0;
  private fd: number | null = null;
  private readFd: { file: string; fd: number } | null = null;
  /** Highest seq whose record is known to be on stable storage (fsynced). */
  private syncedSeq: number;

  constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    recovered: Segment[],
  ) {
    this.segments = recovered;
    for (const s of recovered) this.totalBytes += s.bytes;
    this.syncedSeq = recovered.at(-1)?.records.at(-1)?.seq ?? 0;
  }

  /** Highest seq known fsynced, and where the newest segment's synced bytes end (for fault tests). */
  synced(): { seq: number; segment: string | null; bytes: number } {
    const last = this.segments.at(-1);
    if (!last) return { seq: this.syncedSeq, segment: null, bytes: 0 };
    let bytes = 0;
    for (const r of last.records) if (r.seq <= this.syncedSeq) bytes = r.offset + r.size;
    return { seq: this.syncedSeq, segment: last.name, bytes };
  }

  /** Bytes of every segment on disk. */
  get bytes(): number {
    return this.totalBytes;
  }

  get count(): number {
    return this.segments.length;
  }

  /** The segment compaction and the overflow policy delete next. */
  get oldest(): Segment | undefined {
    return this.segments[0];
  }

  /** Write one encoded record at the end of the newest segment and index it. */
  append(rec: Buffer, entry: Omit<RecordEntry, "offset" | "size">, fsync: boolean): void {
    const seg = this.activeSegment(rec.length, entry.seq);
    const fd = this.fd ?? this.openActive(seg);
    fs.writeSync(fd, rec, 0, rec.length, seg.bytes);
    if (fsync) {
      fs.fdatasyncSync(fd);
      this.syncedSeq = entry.seq;
    }
    seg.records.push({
      seq: entry.seq,
      offset: seg.bytes,
      size: rec.length,
      readings: entry.readings,
      firstTs: entry.firstTs,
      cum: entry.cum,
    });
    seg.bytes += rec.length;
    this.totalBytes += rec.length;
  }

  private activeSegment(size: number, seq: number): Segment {
    const last = this.segments.at(-1);
    if (last && (last.bytes + size <= this.segmentBytes || last.records.length === 0)) return last;
    if (this.fd !== null) {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = null;
      this.syncedSeq = Math.max(this.syncedSeq, last?.records.at(-1)?.seq ?? 0);
    }
    const name = segmentName(seq);
    const seg: Segment = { name, file: path.join(this.dir, name), bytes: 0, records: [] };
    this.segments.push(seg);
    return seg;
  }

  private openActive(seg: Segment): number {
    const created = !fs.existsSync(seg.file);
    this.fd = fs.openSync(seg.file, created ? "w" : "r+");
    if (created) fsyncDir(this.dir);
    return this.fd;
  }

  /** The first record with a seq above `seq`, or null. */
  findAfter(seq: number): RecordLocation | null {
    for (const seg of this.segments) {
      const last = seg.records.at(-1);
      if (!last || last.seq <= seq) continue;
      let lo = 0;
      let hi = seg.records.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((seg.records[mid]?.seq ?? 0) <= seq) lo = mid + 1;
        else hi = mid;
      }
      const rec = seg.records[lo];
      if (rec) return { seg, rec };
    }
    return null;
  }

  /** How many records have a seq above `seq`. */
  countAfter(seq: number): number {
    let n = 0;
    for (const s of this.segments) for (const r of s.records) if (r.seq > seq) n++;
    return n;
  }

  /** The payload (JSON of the readings) stored at `rec`, or null when its bytes no longer check out. */
  read(seg: Segment, rec: RecordEntry): Buffer | null {
    if (this.readFd?.file !== seg.file) {
      if (this.readFd) fs.closeSync(this.readFd.fd);
      this.readFd = { file: seg.file, fd: fs.openSync(seg.file, "r") };
    }
    const buf = Buffer.allocUnsafe(rec.size);
    const n = fs.readSync(this.readFd.fd, buf, 0, rec.size, rec.offset);
    const decoded = decodeRecordAt(buf.subarray(0, n), 0);
    return decoded.kind === "record" && decoded.record.seq === rec.seq ? decoded.record.payload : null;
  }

  /** Delete the oldest segment's file and drop it from the index; returns what was removed. */
  removeOldest(): Segment | undefined {
    const seg = this.segments[0];
    if (!seg) return undefined;
    if (this.readFd?.file === seg.file) {
      fs.closeSync(this.readFd.fd);
      this.readFd = null;
    }
    fs.rmSync(seg.file, { force: true });
    this.segments.shift();
    this.totalBytes -= seg.bytes;
    return seg;
  }

  /** fsync the active segment now. */
  sync(): void {
    if (this.fd !== null) fs.fdatasyncSync(this.fd);
    this.syncedSeq = Math.max(this.syncedSeq, this.segments.at(-1)?.records.at(-1)?.seq ?? 0);
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    if (this.readFd) fs.closeSync(this.readFd.fd);
    this.fd = null;
    this.readFd = null;
  }
}
