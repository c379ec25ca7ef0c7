import * as fs from "node:fs";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { type CursorState, readCursor, writeCursor } from "./cursor.ts";
import { fsyncDir } from "./fsutil.ts";
import { decodeRecordAt, encodeRecord } from "./record.ts";
import {
  listSegmentFiles,
  loadSegment,
  type QuarantineReport,
  type RecordEntry,
  type Segment,
  segmentName,
} from "./segment.ts";

export type FsyncPolicy = "batch" | "interval" | "off";
export type OverflowPolicy = "drop-oldest" | "reject-new";

export interface JournalOptions {
  dir: string;
  /** Bytes per segment file before a new one starts. Default 8 MiB. */
  segmentBytes?: number;
  /** Upper bound on journal bytes on disk. Default 256 MiB. */
  maxBytes?: number;
  /** `batch`: fdatasync after every append (default); `interval`: every `fsyncIntervalMs`; `off`: leave it to the OS. */
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /** What to do when `maxBytes` is reached. Default `drop-oldest`. */
  whenFull?: OverflowPolicy;
  /** Recent batches kept in memory so the uplink rarely reads the disk. Default 16 MiB. */
  cacheBytes?: number;
  /** How often acknowledgements are persisted and acknowledged segments deleted. Default 500 ms. */
  cursorFlushMs?: number;
  onEvent?: (event: JournalEvent) => void;
  now?: () => number;
}

export type JournalEvent =
  | { type: "quarantined"; report: QuarantineReport }
  | { type: "torn-tail"; segment: string; bytes: number }
  | { type: "dropped"; batches: number; readings: number; reason: "buffer-full" | "corrupt" }
  | { type: "cursor-problem"; message: string };

export interface JournalBatch {
  seq: number;
  readings: BatchReading[];
}

export type AppendResult = { ok: true; seq: number } | { ok: false; reason: "buffer-full" };

export interface JournalStats {
  /** Batches and readings appended but not yet acknowledged. */
  pendingBatches: number;
  pendingReadings: number;
  bytes: number;
  segments: number;
  ackedSeq: number;
  lastSeq: number;
  /** Earliest source timestamp among unacknowledged batches, or null when nothing is pending. */
  oldestPendingTs: number | null;
  dropped: { batches: number; readings: number };
  corrupt: { records: number; segments: number };
  quarantined: QuarantineReport[];
}

const MiB = 1024 * 1024;

/**
 * The durable store-and-forward buffer: an append-only, segmented journal of
 * batches with CRC-checked records, an acknowledgement cursor, compaction of
 * acknowledged segments and a byte bound with a stated overflow policy.
 * Every batch gets its seq before it is written, so a replay after a restart
 * re-sends the same seq and the brain's dedupe keeps it exactly-once.
 */
export class Journal {
  readonly dir: string;
  private readonly opts: Required<Omit<JournalOptions, "onEvent" | "now">>;
  private readonly onEvent: (e: JournalEvent) => void;
  private readonly now: () => number;
  private segments: Segment[] = [];
  private cursor: CursorState;
  private persistedAcked = 0;
  private lastSeq = 0;
  private fd: number | null = null;
  private readFd: { file: string; fd: number } | null = null;
  private totalBytes = 0;
  private pendingReadings = 0;
  private readonly cache = new Map<number, { readings: BatchReading[]; bytes: number }>();
  private cacheBytes = 0;
  private dirty = false;
  private readonly quarantined: QuarantineReport[] = [];
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly waiters = new Set<() => void>();

  private constructor(options: JournalOptions) {
    this.dir = options.dir;
    this.opts = {
      dir: options.dir,
      segmentBytes: options.segmentBytes ?? 8 * MiB,
      maxBytes: options.maxBytes ?? 256 * MiB,
      fsync: options.fsync ?? "batch",
      fsyncIntervalMs: options.fsyncIntervalMs ?? 1000,
      whenFull: options.whenFull ?? "drop-oldest",
      cacheBytes: options.cacheBytes ?? 16 * MiB,
      cursorFlushMs: options.cursorFlushMs ?? 500,
    };
    this.onEvent = options.onEvent ?? (() => {});
    this.now = options.now ?? Date.now;
    fs.mkdirSync(this.dir, { recursive: true });
    const { cursor, problem } = readCursor(this.dir);
    if (problem) this.onEvent({ type: "cursor-problem", message: problem });
    this.cursor = cursor;
    this.persistedAcked = cursor.ackedSeq;
  }

  /** Open (or create) a journal directory, verifying every segment. */
  static open(options: JournalOptions): Journal {
    const j = new Journal(options);
    j.load();
    j.startTimers();
    return j;
  }

  private load(): void {
    const names = listSegmentFiles(this.dir);
    names.forEach((name, i) => {
      const loaded = loadSegment(this.dir, name, i === names.length - 1, this.now());
      if (loaded.quarantine) {
        this.quarantined.push(loaded.quarantine);
        this.cursor.corrupt.segments++;
        this.dirty = true;
        this.onEvent({ type: "quarantined", report: loaded.quarantine });
      }
      if (loaded.truncatedBytes > 0)
        this.onEvent({ type: "torn-tail", segment: name, bytes: loaded.truncatedBytes });
      this.segments.push(loaded.segment);
    });
    for (const s of this.segments) {
      this.totalBytes += s.bytes;
      for (const r of s.records) {
        if (r.seq > this.lastSeq) this.lastSeq = r.seq;
        if (r.seq > this.cursor.ackedSeq) this.pendingReadings += r.readings;
      }
    }
    this.lastSeq = Math.max(this.lastSeq, this.cursor.ackedSeq, this.cursor.highSeq);
    this.compact();
  }

  private startTimers(): void {
    this.timers.push(setInterval(() => this.flushCursor(), this.opts.cursorFlushMs));
    if (this.opts.fsync === "interval")
      this.timers.push(setInterval(() => this.sync(), this.opts.fsyncIntervalMs));
    for (const t of this.timers) t.unref();
  }

  /** Append one batch; it is on disk (per the fsync policy) when this returns. */
  append(readings: BatchReading[]): AppendResult {
    if (this.closed) throw new Error("journal is closed");
    let firstTs = Number.POSITIVE_INFINITY;
    for (const r of readings) if (r.ts < firstTs) firstTs = r.ts;
    const payload = Buffer.from(JSON.stringify(readings));
    const seq = this.lastSeq + 1;
    const rec = encodeRecord(
      { seq, readings: readings.length, firstTs: Number.isFinite(firstTs) ? firstTs : 0 },
      payload,
    );
    if (this.totalBytes + rec.length > this.opts.maxBytes) {
      this.flushCursor();
      if (this.totalBytes + rec.length > this.opts.maxBytes && !this.makeRoom(rec.length, readings.length))
        return { ok: false, reason: "buffer-full" };
    }
    const seg = this.activeSegment(rec.length, seq);
    const fd = this.fd ?? this.openActive(seg);
    fs.writeSync(fd, rec, 0, rec.length, seg.bytes);
    if (this.opts.fsync === "batch") fs.fdatasyncSync(fd);
    seg.records.push({ seq, offset: seg.bytes, size: rec.length, readings: readings.length, firstTs });
    seg.bytes += rec.length;
    this.totalBytes += rec.length;
    this.lastSeq = seq;
    this.pendingReadings += readings.length;
    this.remember(seq, readings, payload.length);
    for (const w of this.waiters) w();
    this.waiters.clear();
    return { ok: true, seq };
  }

  private makeRoom(needed: number, readings: number): boolean {
    if (this.opts.whenFull === "reject-new") {
      this.countDropped(1, readings);
      return false;
    }
    while (this.totalBytes + needed > this.opts.maxBytes && this.segments.length > 1) {
      const oldest = this.segments[0];
      if (!oldest) break;
      let batches = 0;
      let lost = 0;
      for (const r of oldest.records)
        if (r.seq > this.cursor.ackedSeq) {
          batches++;
          lost += r.readings;
        }
      this.removeSegment(oldest);
      const lastOfDropped = oldest.records.at(-1)?.seq ?? 0;
      if (lastOfDropped > this.cursor.ackedSeq) this.cursor.ackedSeq = lastOfDropped;
      this.pendingReadings -= lost;
      this.countDropped(batches, lost);
    }
    return this.totalBytes + needed <= this.opts.maxBytes || this.segments.length <= 1;
  }

  private countDropped(batches: number, readings: number): void {
    if (batches === 0) return;
    this.cursor.dropped.batches += batches;
    this.cursor.dropped.readings += readings;
    this.dirty = true;
    this.onEvent({ type: "dropped", batches, readings, reason: "buffer-full" });
  }

  private activeSegment(size: number, seq: number): Segment {
    const last = this.segments.at(-1);
    if (last && (last.bytes + size <= this.opts.segmentBytes || last.records.length === 0)) return last;
    if (this.fd !== null) {
      fs.fsyncSync(this.fd);
      fs.closeSync(this.fd);
      this.fd = null;
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

  private remember(seq: number, readings: BatchReading[], bytes: number): void {
    this.cache.set(seq, { readings, bytes });
    this.cacheBytes += bytes;
    for (const [k, v] of this.cache) {
      if (this.cacheBytes <= this.opts.cacheBytes) break;
      this.cache.delete(k);
      this.cacheBytes -= v.bytes;
    }
  }

  /** The first unacknowledged batch after `afterSeq` (default: the ack cursor), or null. */
  next(afterSeq = this.cursor.ackedSeq): JournalBatch | null {
    for (;;) {
      const entry = this.findAfter(Math.max(afterSeq, this.cursor.ackedSeq));
      if (!entry) return null;
      const cached = this.cache.get(entry.rec.seq);
      if (cached) return { seq: entry.rec.seq, readings: cached.readings };
      const readings = this.readFromDisk(entry.seg, entry.rec);
      if (readings) return { seq: entry.rec.seq, readings };
      afterSeq = entry.rec.seq;
    }
  }

  /** Resolves when a batch is appended (or after `ms`). */
  waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.waiters.add(done);
    });
  }

  private findAfter(seq: number): { seg: Segment; rec: RecordEntry } | null {
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

  private readFromDisk(seg: Segment, rec: RecordEntry): BatchReading[] | null {
    if (this.readFd?.file !== seg.file) {
      if (this.readFd) fs.closeSync(this.readFd.fd);
      this.readFd = { file: seg.file, fd: fs.openSync(seg.file, "r") };
    }
    const buf = Buffer.allocUnsafe(rec.size);
    fs.readSync(this.readFd.fd, buf, 0, rec.size, rec.offset);
    const decoded = decodeRecordAt(buf, 0);
    if (decoded.kind === "record" && decoded.record.seq === rec.seq) {
      try {
        return JSON.parse(decoded.record.payload.toString("utf8")) as BatchReading[];
      } catch {
        // falls through to the corrupt path
      }
    }
    this.cursor.corrupt.records++;
    this.dirty = true;
    this.onEvent({ type: "dropped", batches: 1, readings: rec.readings, reason: "corrupt" });
    return null;
  }

  /** Mark every batch up to `seq` as accepted by the brain. Persisted lazily (see `cursorFlushMs`). */
  ack(seq: number): void {
    if (seq <= this.cursor.ackedSeq) return;
    for (
      let at = this.findAfter(this.cursor.ackedSeq);
      at && at.rec.seq <= seq;
      at = this.findAfter(at.rec.seq)
    ) {
      this.pendingReadings -= at.rec.readings;
      const c = this.cache.get(at.rec.seq);
      if (c) {
        this.cache.delete(at.rec.seq);
        this.cacheBytes -= c.bytes;
      }
    }
    this.cursor.ackedSeq = seq;
    this.dirty = true;
  }

  /** Persist the cursor (atomically) and then delete fully acknowledged segments. */
  flushCursor(): void {
    if (!this.dirty || this.closed) return;
    this.cursor.highSeq = Math.max(this.cursor.highSeq, this.lastSeq);
    writeCursor(this.dir, this.cursor);
    this.persistedAcked = this.cursor.ackedSeq;
    this.dirty = false;
    this.compact();
  }

  private compact(): void {
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      const last = oldest?.records.at(-1);
      if (!oldest || (last && last.seq > this.persistedAcked)) break;
      this.removeSegment(oldest);
    }
  }

  private removeSegment(seg: Segment): void {
    if (this.readFd?.file === seg.file) {
      fs.closeSync(this.readFd.fd);
      this.readFd = null;
    }
    fs.rmSync(seg.file, { force: true });
    this.segments.shift();
    this.totalBytes -= seg.bytes;
    for (const r of seg.records) {
      const c = this.cache.get(r.seq);
      if (c) {
        this.cache.delete(r.seq);
        this.cacheBytes -= c.bytes;
      }
    }
  }

  /** fsync the active segment now. */
  sync(): void {
    if (this.fd !== null) fs.fdatasyncSync(this.fd);
  }

  stats(): JournalStats {
    let oldest: number | null = null;
    const first = this.findAfter(this.cursor.ackedSeq);
    if (first) oldest = first.rec.firstTs;
    let pendingBatches = 0;
    for (const s of this.segments)
      for (const r of s.records) if (r.seq > this.cursor.ackedSeq) pendingBatches++;
    return {
      pendingBatches,
      pendingReadings: this.pendingReadings,
      bytes: this.totalBytes,
      segments: this.segments.length,
      ackedSeq: this.cursor.ackedSeq,
      lastSeq: this.lastSeq,
      oldestPendingTs: oldest,
      dropped: { ...this.cursor.dropped },
      corrupt: { ...this.cursor.corrupt },
      quarantined: [...this.quarantined],
    };
  }

  /** Sync, persist the cursor and release files. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.sync();
    this.dirty = true;
    this.flushCursor();
    this.closed = true;
    if (this.fd !== null) fs.closeSync(this.fd);
    if (this.readFd) fs.closeSync(this.readFd.fd);
    this.fd = null;
    this.readFd = null;
    for (const w of this.waiters) w();
  }
}
