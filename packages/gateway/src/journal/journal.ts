import * as fs from "node:fs";
import type { BatchReading } from "@weft/core";
import { BatchCache } from "./batch-cache.ts";
import { type CursorState, readCursor, writeCursor } from "./cursor.ts";
import {
  type JournalEvent,
  type JournalOptions,
  type ResolvedJournalOptions,
  withDefaults,
} from "./options.ts";
import { encodeRecord } from "./record.ts";
import { recoverSegments } from "./recovery.ts";
import type { QuarantineReport, RecordEntry, Segment } from "./segment.ts";
import { SegmentStore } from "./segment-store.ts";

export type { FsyncPolicy, JournalEvent, JournalOptions, OverflowPolicy } from "./options.ts";

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

/**
 * The durable store-and-forward buffer: an append-only, segmented journal of
 * batches with CRC-checked records, an acknowledgement cursor, compaction of
 * acknowledged segments and a byte bound with a stated overflow policy.
 * Every batch gets its seq before it is written, so a replay after a restart
 * re-sends the same seq and the brain's dedupe keeps it exactly-once.
 */
export class Journal {
  readonly dir: string;
  private readonly opts: ResolvedJournalOptions;
  private readonly onEvent: (e: JournalEvent) => void;
  private readonly now: () => number;
  private readonly store: SegmentStore;
  private readonly cache: BatchCache;
  private cursor: CursorState;
  private persistedAcked = 0;
  private lastSeq = 0;
  private pendingReadings = 0;
  private dirty = false;
  private readonly quarantined: QuarantineReport[] = [];
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly waiters = new Set<() => void>();

  private constructor(options: JournalOptions) {
    this.dir = options.dir;
    this.opts = withDefaults(options);
    this.onEvent = options.onEvent ?? (() => {});
    this.now = options.now ?? Date.now;
    this.cache = new BatchCache(this.opts.cacheBytes);
    fs.mkdirSync(this.dir, { recursive: true });
    const { cursor, problem } = readCursor(this.dir);
    if (problem) this.onEvent({ type: "cursor-problem", message: problem });
    this.cursor = cursor;
    this.persistedAcked = cursor.ackedSeq;
    this.store = new SegmentStore(this.dir, this.opts.segmentBytes, this.recover());
  }

  /** Open (or create) a journal directory, verifying every segment. */
  static open(options: JournalOptions): Journal {
    const j = new Journal(options);
    j.compact();
    j.startTimers();
    return j;
  }

  private recover(): Segment[] {
    const found = recoverSegments(this.dir, this.cursor.ackedSeq, this.now, this.onEvent);
    this.quarantined.push(...found.quarantined);
    this.cursor.corrupt.segments += found.quarantined.length;
    if (found.quarantined.length > 0) this.dirty = true;
    this.pendingReadings = found.pendingReadings;
    this.lastSeq = Math.max(found.lastSeq, this.cursor.ackedSeq, this.cursor.highSeq);
    return found.segments;
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
    // 0 = no timestamp (an empty batch), in memory as on disk.
    let firstTs = readings.length === 0 ? 0 : Number.POSITIVE_INFINITY;
    for (const r of readings) if (r.ts < firstTs) firstTs = r.ts;
    const payload = Buffer.from(JSON.stringify(readings));
    const seq = this.lastSeq + 1;
    const rec = encodeRecord({ seq, readings: readings.length, firstTs }, payload);
    if (this.store.bytes + rec.length > this.opts.maxBytes) {
      this.flushCursor();
      if (this.store.bytes + rec.length > this.opts.maxBytes && !this.makeRoom(rec.length, readings.length))
        return { ok: false, reason: "buffer-full" };
    }
    this.store.append(rec, { seq, readings: readings.length, firstTs }, this.opts.fsync === "batch");
    this.lastSeq = seq;
    this.pendingReadings += readings.length;
    this.cache.remember(seq, readings, payload.length);
    for (const w of this.waiters) w();
    this.waiters.clear();
    return { ok: true, seq };
  }

  private makeRoom(needed: number, readings: number): boolean {
    if (this.opts.whenFull === "reject-new") {
      this.countDropped(1, readings);
      return false;
    }
    while (this.store.bytes + needed > this.opts.maxBytes && this.store.count > 1) {
      const oldest = this.store.oldest;
      if (!oldest) break;
      let batches = 0;
      let lost = 0;
      for (const r of oldest.records)
        if (r.seq > this.cursor.ackedSeq) {
          batches++;
          lost += r.readings;
        }
      this.removeOldestSegment();
      const lastOfDropped = oldest.records.at(-1)?.seq ?? 0;
      if (lastOfDropped > this.cursor.ackedSeq) this.cursor.ackedSeq = lastOfDropped;
      this.pendingReadings -= lost;
      this.countDropped(batches, lost);
    }
    return this.store.bytes + needed <= this.opts.maxBytes || this.store.count <= 1;
  }

  private countDropped(batches: number, readings: number): void {
    if (batches === 0) return;
    this.cursor.dropped.batches += batches;
    this.cursor.dropped.readings += readings;
    this.dirty = true;
    this.onEvent({ type: "dropped", batches, readings, reason: "buffer-full" });
  }

  /** The first unacknowledged batch after `afterSeq` (default: the ack cursor), or null. */
  next(afterSeq = this.cursor.ackedSeq): JournalBatch | null {
    for (;;) {
      const entry = this.store.findAfter(Math.max(afterSeq, this.cursor.ackedSeq));
      if (!entry) return null;
      const cached = this.cache.get(entry.rec.seq);
      if (cached) return { seq: entry.rec.seq, readings: cached };
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

  private readFromDisk(seg: Segment, rec: RecordEntry): BatchReading[] | null {
    const readings = this.store.read(seg, rec);
    if (readings) return readings;
    this.cursor.corrupt.records++;
    this.dirty = true;
    this.onEvent({ type: "dropped", batches: 1, readings: rec.readings, reason: "corrupt" });
    return null;
  }

  /** Mark every batch up to `seq` as accepted by the brain. Persisted lazily (see `cursorFlushMs`). */
  ack(seq: number): void {
    if (seq <= this.cursor.ackedSeq) return;
    for (
      let at = this.store.findAfter(this.cursor.ackedSeq);
      at && at.rec.seq <= seq;
      at = this.store.findAfter(at.rec.seq)
    ) {
      this.pendingReadings -= at.rec.readings;
      this.cache.forget(at.rec.seq);
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
    while (this.store.count > 1) {
      const oldest = this.store.oldest;
      const last = oldest?.records.at(-1);
      if (!oldest || (last && last.seq > this.persistedAcked)) break;
      this.removeOldestSegment();
    }
  }

  private removeOldestSegment(): void {
    const seg = this.store.removeOldest();
    for (const r of seg?.records ?? []) this.cache.forget(r.seq);
  }

  /** fsync the active segment now. */
  sync(): void {
    this.store.sync();
  }

  stats(): JournalStats {
    let oldest: number | null = null;
    const first = this.store.findAfter(this.cursor.ackedSeq);
    if (first && first.rec.firstTs > 0) oldest = first.rec.firstTs;
    return {
      pendingBatches: this.store.countAfter(this.cursor.ackedSeq),
      pendingReadings: this.pendingReadings,
      bytes: this.store.bytes,
      segments: this.store.count,
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
    this.store.close();
    for (const w of this.waiters) w();
  }
}
