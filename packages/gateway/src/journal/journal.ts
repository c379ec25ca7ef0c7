import * as fs from "node:fs";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { BatchCache } from "./batch-cache.ts";
import { currentBootId } from "./boot-id.ts";
import { type CursorState, readCursor, type WireEpoch, writeCursor } from "./cursor.ts";
import { type DeadLetter, DeadLetterStore } from "./dead-letters.ts";
import { lockJournal } from "./lock.ts";
import { LOSSES_KEPT, type LossEntry, type LossTotals } from "./losses.ts";
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
import { tailLoss } from "./tail-loss.ts";
import { renumberEpoch, wireSeq } from "./wire.ts";

export type { FsyncPolicy, JournalEvent, JournalOptions, OverflowPolicy } from "./options.ts";

export interface JournalBatch {
  seq: number;
  readings: BatchReading[];
}

/** A pending batch as stored: its payload is the JSON text of its readings. */
export interface JournalRecord {
  seq: number;
  count: number;
  firstTs: number;
  payload: Buffer;
}

export function readingsOf(r: JournalRecord): BatchReading[] {
  return JSON.parse(r.payload.toString("utf8")) as BatchReading[];
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
  /** Every loss by reason since the journal began, and the latest ones with their seq ranges. */
  lossTotals: LossTotals;
  losses: LossEntry[];
  deadLetters: { batches: number; readings: number; latest: DeadLetter[] };
  /** Renumberings after a SEQ_CONFLICT (local seq from which, and the offset to the brain's seq). */
  renumbered: WireEpoch[];
}

/** Seqs reserved at once when records are not fsynced one by one: one cursor write per block. */
const RESERVE_BLOCK = 1000;

/**
 * The durable store-and-forward buffer: an append-only, segmented journal of batches with
 * CRC-checked records, an acknowledgement cursor, compaction of acknowledged segments, a byte
 * bound with a stated overflow policy, a dead-letter area, and an account of every loss.
 *
 * A seq is never used twice for different readings: with `fsync: batch` a record is on disk
 * before its seq can be sent; with `interval`/`off` seqs are reserved in blocks in the (fsynced)
 * cursor before use, and numbering resumes above the reservation after a crash.
 */
export class Journal {
  readonly dir: string;
  private readonly opts: ResolvedJournalOptions;
  private readonly onEvent: (e: JournalEvent) => void;
  private readonly fault: (step: "before-cursor-write" | "after-cursor-write") => void;
  private readonly now: () => number;
  private readonly store: SegmentStore;
  private readonly cache: BatchCache;
  private readonly deadLetters: DeadLetterStore;
  private cursor: CursorState;
  private persistedAcked = 0;
  private lastSeq = 0;
  /** Running reading count after the last appended record. */
  private appended = 0;
  private pendingReadings = 0;
  private dirty = false;
  private readonly quarantined: QuarantineReport[] = [];
  private timers: NodeJS.Timeout[] = [];
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private readonly unlock: () => void;
  private readonly delivered: Set<number>;
  /** A power-cut loss whose seqs the uplink still has to check at the brain. */
  private lossCheck: { loss: LossEntry; toSeq: number } | null = null;

  private constructor(options: JournalOptions) {
    this.dir = options.dir;
    this.opts = withDefaults(options);
    this.onEvent = options.onEvent ?? (() => {});
    this.fault = options.fault ?? (() => {});
    this.now = options.now ?? Date.now;
    this.cache = new BatchCache(this.opts.cacheBytes);
    fs.mkdirSync(this.dir, { recursive: true });
    this.unlock = lockJournal(this.dir);
    const { cursor, problem, fresh } = readCursor(this.dir);
    if (problem) this.onEvent({ type: "cursor-problem", message: problem });
    this.cursor = cursor;
    this.persistedAcked = cursor.ackedSeq;
    this.delivered = new Set(cursor.delivered);
    this.deadLetters = new DeadLetterStore(path.join(this.dir, "dead-letters"));
    const bootId = options.bootId === undefined ? currentBootId() : options.bootId;
    this.store = new SegmentStore(this.dir, this.opts.segmentBytes, this.recover(bootId, fresh));
    // From now on a crash is an unclean stop, and the first seqs are reserved before any is used.
    Object.assign(this.cursor, { clean: false, bootId, fsync: this.opts.fsync });
    this.writeCursorNow();
  }

  /** Open (or create) a journal directory, verifying every segment. */
  static open(options: JournalOptions): Journal {
    const j = new Journal(options);
    j.compact();
    j.startTimers();
    return j;
  }

  private recover(bootId: string | null, fresh: boolean): Segment[] {
    const c = this.cursor;
    const found = recoverSegments(this.dir, c.ackedSeq, this.now, this.onEvent);
    this.quarantined.push(...found.quarantined);
    c.corrupt.segments += found.quarantined.length;
    for (const l of found.losses) this.addLoss(l);
    const last = lastRecord(found.segments);
    // Only an unclean stop with another boot (a machine restart) can have lost unsynced records.
    const restarted = !fresh && !c.clean && (bootId === null || c.bootId === null || c.bootId !== bootId);
    const tail = tailLoss({
      cursor: c,
      last,
      tornTail: found.tornTail,
      powerCut: restarted && c.fsync !== "batch",
      now: this.now(),
      cursorFlushMs: this.opts.cursorFlushMs,
    });
    if (tail) {
      this.addLoss(tail.loss);
      if (tail.loss.reason === "power-cut") this.lossCheck = tail;
    }
    this.pendingReadings = found.pendingReadings;
    const declared = found.tornTail?.declared.map((d) => d.seq) ?? [];
    this.lastSeq = Math.max(found.lastSeq, c.ackedSeq, c.highSeq, ...declared);
    if (!c.clean && c.fsync !== "batch") this.lastSeq = Math.max(this.lastSeq, c.reservedSeq);
    this.appended = Math.max(c.appended, last?.cum == null ? 0 : last.cum + last.readings);
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
    // 0 = no timestamp (an empty batch), in memory as on disk.
    let firstTs = readings.length === 0 ? 0 : Number.POSITIVE_INFINITY;
    for (const r of readings) if (r.ts < firstTs) firstTs = r.ts;
    return this.appendEncoded(Buffer.from(JSON.stringify(readings)), readings.length, firstTs);
  }

  /**
   * Append a batch already encoded: `payload` must be the JSON array of `count` readings, the
   * earliest at `firstTs`. For bulk imports and benchmarks that build journals fast.
   */
  appendEncoded(payload: Buffer, count: number, firstTs: number): AppendResult {
    if (this.closed) throw new Error("journal is closed");
    const seq = this.lastSeq + 1;
    const meta = { seq, readings: count, firstTs, cum: this.appended };
    const rec = encodeRecord(meta, payload);
    if (this.store.bytes + rec.length > this.opts.maxBytes) {
      this.flushCursor();
      if (this.store.bytes + rec.length > this.opts.maxBytes && !this.makeRoom(rec.length, count))
        return { ok: false, reason: "buffer-full" };
    }
    if (this.opts.fsync !== "batch" && seq > this.cursor.reservedSeq) this.writeCursorNow(seq);
    this.store.append(rec, meta, this.opts.fsync === "batch");
    this.lastSeq = seq;
    this.appended += count;
    this.pendingReadings += count;
    this.dirty = true; // the next cursor write records it (what a power cut may take is then known)
    this.cache.remember(seq, payload);
    for (const w of this.waiters) w();
    this.waiters.clear();
    return { ok: true, seq };
  }

  private makeRoom(needed: number, readings: number): boolean {
    if (this.opts.whenFull === "reject-new") {
      this.addLoss({ reason: "buffer-full", fromSeq: 0, toSeq: 0, batches: 1, readings, at: this.now() });
      return false;
    }
    while (this.store.bytes + needed > this.opts.maxBytes && this.store.count > 1) {
      const oldest = this.store.oldest;
      if (!oldest) break;
      const lost = oldest.records.filter((r) => r.seq > this.cursor.ackedSeq);
      this.removeOldestSegment();
      const last = lost.at(-1);
      if (!last) continue;
      this.cursor.ackedSeq = last.seq;
      this.cursor.ackedCum = last.cum === null ? this.cursor.ackedCum : last.cum + last.readings;
      const n = lost.reduce((a, r) => a + r.readings, 0);
      this.pendingReadings -= n;
      this.addLoss({
        reason: "buffer-full",
        fromSeq: lost[0]?.seq ?? last.seq,
        toSeq: last.seq,
        batches: lost.length,
        readings: n,
        at: this.now(),
        segment: oldest.name,
      });
    }
    return this.store.bytes + needed <= this.opts.maxBytes || this.store.count <= 1;
  }

  /** Count a loss, keep it for `status` (contiguous ones of one reason merge) and report it. */
  private addLoss(loss: LossEntry): void {
    const c = this.cursor;
    const t = c.lossTotals[loss.reason];
    t.batches += loss.batches;
    t.readings += loss.readings ?? 0;
    if (loss.reason === "buffer-full") c.dropped = { ...t };
    else if (loss.reason !== "power-cut") c.corrupt.records += loss.batches;
    const prev = c.losses.at(-1);
    const contiguous = prev && prev.reason === loss.reason && !prev.note && !loss.note;
    if (contiguous && (prev.toSeq + 1 === loss.fromSeq || (prev.toSeq === 0 && loss.toSeq === 0))) {
      prev.toSeq = loss.toSeq;
      prev.batches += loss.batches;
      prev.readings = prev.readings === null || loss.readings === null ? null : prev.readings + loss.readings;
      prev.at = loss.at;
    } else c.losses.push({ ...loss });
    if (c.losses.length > LOSSES_KEPT) c.losses.splice(0, c.losses.length - LOSSES_KEPT);
    this.dirty = true;
    this.onEvent({ type: "lost", loss });
  }

  /** The first unacknowledged batch after `afterSeq` (default: the ack cursor), or null. */
  next(afterSeq = this.cursor.ackedSeq): JournalBatch | null {
    const r = this.records(afterSeq, Number.POSITIVE_INFINITY, 1)[0];
    return r ? { seq: r.seq, readings: readingsOf(r) } : null;
  }

  /**
   * Consecutive pending batches after `afterSeq`: at least one (if any is pending), then more while
   * the readings stay within `maxReadings` and the batches within `maxBatches`. A batch whose
   * bytes fail their check is counted as lost (`unreadable`) and skipped.
   */
  records(afterSeq: number, maxReadings: number, maxBatches: number): JournalRecord[] {
    const out: JournalRecord[] = [];
    let readings = 0;
    let after = Math.max(afterSeq, this.cursor.ackedSeq);
    while (out.length < maxBatches) {
      const at = this.store.findAfter(after);
      if (!at) break;
      if (out.length > 0 && readings + at.rec.readings > maxReadings) break;
      after = at.rec.seq;
      const payload = this.cache.get(at.rec.seq) ?? this.readFromDisk(at.seg, at.rec);
      if (!payload) continue;
      out.push({ seq: at.rec.seq, count: at.rec.readings, firstTs: at.rec.firstTs, payload });
      readings += at.rec.readings;
    }
    return out;
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

  private readFromDisk(seg: Segment, rec: RecordEntry): Buffer | null {
    const payload = this.store.read(seg, rec);
    if (payload) return payload;
    const loss: LossEntry = {
      reason: "unreadable",
      fromSeq: rec.seq,
      toSeq: rec.seq,
      batches: 1,
      readings: rec.readings,
      at: this.now(),
      segment: seg.name,
    };
    this.addLoss(loss);
    // Nobody will send it: acknowledge it in order once the batches before it are.
    this.markDelivered([rec.seq], false);
    return null;
  }

  /** The seq of the first batch after `afterSeq` still in the journal (readable or not), or null. */
  nextPendingSeq(afterSeq: number): number | null {
    return this.store.findAfter(Math.max(afterSeq, this.cursor.ackedSeq))?.rec.seq ?? null;
  }

  /**
   * Mark every batch up to `seq` as done (accepted by the brain, or dead-lettered). Persisted
   * lazily. Returns how many readings that acknowledged.
   */
  ack(seq: number): number {
    if (seq <= this.cursor.ackedSeq) return 0;
    let readings = 0;
    for (
      let at = this.store.findAfter(this.cursor.ackedSeq);
      at && at.rec.seq <= seq;
      at = this.store.findAfter(at.rec.seq)
    ) {
      this.pendingReadings -= at.rec.readings;
      readings += at.rec.readings;
      this.cursor.ackedCum =
        at.rec.cum === null ? this.cursor.ackedCum + at.rec.readings : at.rec.cum + at.rec.readings;
      this.cache.forget(at.rec.seq);
    }
    this.cursor.ackedSeq = seq;
    for (const d of this.delivered) if (d <= seq) this.delivered.delete(d);
    this.dirty = true;
    return readings;
  }

  /** The seq the brain knows batch `local` by. */
  wireSeq(local: number): number {
    return wireSeq(this.cursor.wire, local);
  }

  /**
   * After a SEQ_CONFLICT: send the batches from `local` on as `wire`, `wire + 1`, … (above the
   * brain's last seq). Persisted before it returns, so no batch ever goes out under two numbers.
   */
  renumberFrom(local: number, wire: number): void {
    const epoch = renumberEpoch(this.cursor.wire, local, wire);
    this.cursor.wire = [...this.cursor.wire.filter((e) => e.from < local), epoch];
    this.writeCursorNow();
    this.onEvent({
      type: "renumbered",
      fromSeq: local,
      wireFrom: local + epoch.offset,
      batches: Math.max(0, this.lastSeq - local + 1),
    });
  }

  /** Batches the brain already has although earlier ones are not acknowledged yet. */
  markDelivered(locals: readonly number[], persist = true): void {
    for (const l of locals) if (l > this.cursor.ackedSeq) this.delivered.add(l);
    if (persist) this.writeCursorNow();
    else this.dirty = true;
  }

  isDelivered(local: number): boolean {
    return this.delivered.has(local);
  }

  /**
   * Keep a batch the brain will never accept (or the readings of it the brain rejected) in the
   * dead-letter area with the brain's reason; fsynced when this returns. The caller acknowledges it.
   */
  deadLetter(
    letter: Omit<DeadLetter, "readings" | "at">,
    readings: readonly BatchReading[],
    extra: object = {},
  ): DeadLetter {
    const entry = this.deadLetters.add({ ...letter, at: this.now() }, readings, extra);
    if (letter.kind === "batch") this.cursor.deadLetters.batches++;
    this.cursor.deadLetters.readings += readings.length;
    this.dirty = true;
    return entry;
  }

  /** A power-cut loss the uplink should check at the brain: local seqs (loss.fromSeq, toSeq]. */
  pendingLossCheck(): { fromSeq: number; toSeq: number } | null {
    return this.lossCheck ? { fromSeq: this.lossCheck.loss.fromSeq, toSeq: this.lossCheck.toSeq } : null;
  }

  /**
   * The brain's answer for the power-cut range: the batches it has were delivered before the cut
   * and are not lost; the loss entry and totals are corrected and the result reported.
   */
  settleLossCheck(brainHas: readonly { local: number; readings: number }[]): LossEntry | null {
    const check = this.lossCheck;
    if (!check) return null;
    this.lossCheck = null;
    const { loss } = check;
    const inRange = brainHas.filter((b) => b.local >= loss.fromSeq && b.local <= loss.toSeq);
    const delivered = inRange.reduce((a, b) => a + b.readings, 0);
    const entry = this.cursor.losses.find((l) => l.reason === loss.reason && l.fromSeq === loss.fromSeq);
    const settled: LossEntry = {
      ...loss,
      batches: Math.max(0, loss.batches - inRange.length),
      readings: loss.readings === null ? null : Math.max(0, loss.readings - delivered),
      note: `${loss.note ?? ""}${inRange.length ? ` The brain had ${inRange.length} of these batches (${delivered} readings): delivered before the cut.` : " The brain had none of them."}`.trim(),
    };
    if (entry) Object.assign(entry, settled);
    const t = this.cursor.lossTotals[loss.reason];
    t.batches -= loss.batches - settled.batches;
    t.readings -= (loss.readings ?? 0) - (settled.readings ?? 0);
    this.writeCursorNow();
    return settled;
  }

  /** Persist the cursor (atomically) and then delete fully acknowledged segments. */
  flushCursor(): void {
    if (!this.dirty || this.closed) return;
    this.writeCursorNow();
    this.compact();
  }

  /** Write the cursor now (fsynced); with `reserveThrough`, reserve seqs up to a block past it. */
  private writeCursorNow(reserveThrough?: number): void {
    const c = this.cursor;
    c.highSeq = Math.max(c.highSeq, this.lastSeq);
    c.appended = Math.max(c.appended, this.appended);
    c.delivered = [...this.delivered];
    const need = Math.max(reserveThrough ?? 0, this.lastSeq);
    if (this.opts.fsync !== "batch" && need >= c.reservedSeq) c.reservedSeq = need + RESERVE_BLOCK - 1;
    const advances = c.ackedSeq > this.persistedAcked;
    if (advances) this.fault("before-cursor-write");
    writeCursor(this.dir, c);
    if (advances) this.fault("after-cursor-write");
    this.persistedAcked = c.ackedSeq;
    this.dirty = false;
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

  /** Where the newest segment's fsynced bytes end (fault-injection tests simulate a power cut there). */
  syncedPoint(): { seq: number; segment: string | null; bytes: number } {
    return this.store.synced();
  }

  stats(): JournalStats {
    let oldest: number | null = null;
    const first = this.store.findAfter(this.cursor.ackedSeq);
    if (first && first.rec.firstTs > 0) oldest = first.rec.firstTs;
    const c = this.cursor;
    return {
      pendingBatches: this.store.countAfter(c.ackedSeq),
      pendingReadings: this.pendingReadings,
      bytes: this.store.bytes,
      segments: this.store.count,
      ackedSeq: c.ackedSeq,
      lastSeq: this.lastSeq,
      oldestPendingTs: oldest,
      dropped: { ...c.dropped },
      corrupt: { ...c.corrupt },
      quarantined: [...this.quarantined],
      lossTotals: structuredClone(c.lossTotals),
      losses: structuredClone(c.losses),
      deadLetters: { ...c.deadLetters, latest: this.deadLetters.latest() },
      renumbered: [...c.wire],
    };
  }

  /** Sync, persist the cursor (marked clean) and release files. Idempotent. */
  close(): void {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.sync();
    this.cursor.clean = true;
    this.writeCursorNow();
    this.compact();
    this.closed = true;
    this.store.close();
    this.deadLetters.close();
    this.unlock();
    for (const w of this.waiters) w();
  }
}

function lastRecord(segments: Segment[]): RecordEntry | null {
  for (let i = segments.length - 1; i >= 0; i--) {
    const r = segments[i]?.records.at(-1);
    if (r) return r;
  }
  return null;
}
