import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, type JournalEvent, type JournalOptions } from "./journal.ts";
import type { LossEntry } from "./losses.ts";
import { HEADER_BYTES } from "./record.ts";
import { listSegmentFiles, loadSegment } from "./segment.ts";

/**
 * Every record recovery drops is counted with its seq range and reading count: damage at each
 * position of a segment, a torn tail, a power cut inside the fsync window, a record unreadable
 * at read time, and the overflow policy. Batch i carries i readings, so counts name the batches.
 */
const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "weft-journal-loss-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const batch = (n: number): BatchReading[] =>
  Array.from({ length: n }, (_, i) => ({
    machine: "m1",
    point: "p",
    ts: 1_000_000 + i,
    value: i,
    quality: "good",
  }));

function open(dir: string, extra: Partial<JournalOptions> = {}, events: JournalEvent[] = []): Journal {
  return Journal.open({
    dir,
    fsync: "off",
    cursorFlushMs: 60_000,
    segmentBytes: 2048,
    bootId: "boot-a",
    onEvent: (e) => events.push(e),
    ...extra,
  });
}

/** Journal with batches 1..n (batch i has i readings), closed cleanly. */
function filled(n: number, extra: Partial<JournalOptions> = {}): string {
  const dir = tmpDir();
  const j = open(dir, extra);
  for (let i = 1; i <= n; i++) j.append(batch(i));
  j.close();
  return dir;
}

/** Where batch `seq` sits on disk. */
function locate(dir: string, seq: number): { file: string; offset: number; size: number; last: boolean } {
  const names = listSegmentFiles(dir);
  for (const [i, name] of names.entries()) {
    const copy = tmpDir();
    fs.copyFileSync(path.join(dir, name), path.join(copy, name));
    const rec = loadSegment(copy, name, true, 0).segment.records.find((r) => r.seq === seq);
    if (rec)
      return { file: path.join(dir, name), offset: rec.offset, size: rec.size, last: i === names.length - 1 };
  }
  throw new Error(`no batch ${seq}`);
}

function damage(dir: string, seq: number, at: "header" | "payload"): void {
  const r = locate(dir, seq);
  const buf = fs.readFileSync(r.file);
  const pos = r.offset + (at === "header" ? 0 : HEADER_BYTES + 30);
  buf[pos] = (buf[pos] ?? 0) ^ 0xff;
  fs.writeFileSync(r.file, buf);
}

const sum = (from: number, to: number) => ((from + to) * (to - from + 1)) / 2;
const lost = (events: JournalEvent[]): LossEntry[] =>
  events.flatMap((e) => (e.type === "lost" ? [e.loss] : []));

describe("every loss counted", () => {
  it.each([
    ["a payload byte of a batch inside a segment", 12, "payload"],
    ["the header of a segment's first batch", 0, "header"],
    ["the header of a segment's last batch", -1, "header"],
  ] as const)("damage to %s: its seq and exact readings", (_what, pick, at) => {
    const dir = filled(60);
    const names = listSegmentFiles(dir);
    const second = Number.parseInt(names[1] ?? "", 10);
    const third = Number.parseInt(names[2] ?? "", 10);
    const seq = pick === 0 ? second : pick === -1 ? third - 1 : pick;
    damage(dir, seq, at);
    const events: JournalEvent[] = [];
    const j = open(dir, {}, events);
    expect(lost(events)).toEqual([
      expect.objectContaining({ reason: "damaged", fromSeq: seq, toSeq: seq, batches: 1, readings: seq }),
    ]);
    const s = j.stats();
    expect(s.lossTotals.damaged).toEqual({ batches: 1, readings: seq });
    expect(s.corrupt).toEqual({ records: 1, segments: 1 });
    expect(s.losses[0]).toMatchObject({ reason: "damaged", fromSeq: seq, readings: seq });
    j.close();
    // counted once: reopening finds nothing new and keeps the totals
    const k = open(dir);
    expect(k.stats().lossTotals.damaged).toEqual({ batches: 1, readings: seq });
    k.close();
  });

  it("a torn tail the cursor knew of: exact seq and readings", () => {
    const dir = filled(20);
    const r = locate(dir, 20);
    fs.truncateSync(r.file, r.offset + r.size - 5);
    const events: JournalEvent[] = [];
    const j = open(dir, {}, events);
    expect(lost(events)).toEqual([
      expect.objectContaining({ reason: "torn-tail", fromSeq: 20, toSeq: 20, batches: 1, readings: 20 }),
    ]);
    expect(j.append(batch(1)).ok && j.stats().lastSeq).toBe(21);
    j.close();
  });

  it("a torn tail the cursor did not see yet: counted by its legible header", () => {
    const dir = tmpDir();
    const j = open(dir, { fsync: "batch" });
    for (let i = 1; i <= 5; i++) j.append(batch(i));
    // crash without close: the cursor was written when the journal opened, before any batch
    const r = locate(dir, 5);
    fs.truncateSync(r.file, r.offset + r.size - 3);
    const events: JournalEvent[] = [];
    const k = open(dir, { fsync: "batch" }, events);
    expect(lost(events)).toEqual([
      expect.objectContaining({ reason: "torn-tail", fromSeq: 5, toSeq: 5, batches: 1, readings: 5 }),
    ]);
    k.close();
  });

  it("a batch whose bytes go bad after the journal opened: counted when read, then skipped", () => {
    const dir = filled(30);
    const events: JournalEvent[] = [];
    const j = open(dir, { cacheBytes: 0 }, events);
    damage(dir, 3, "payload");
    const seqs = j.records(0, 1e9, 100).map((r) => r.seq);
    expect(seqs).not.toContain(3);
    expect(seqs).toHaveLength(29);
    expect(lost(events)).toEqual([
      expect.objectContaining({ reason: "unreadable", fromSeq: 3, toSeq: 3, batches: 1, readings: 3 }),
    ]);
    expect(j.isDelivered(3)).toBe(true);
    j.close();
  });

  it("the overflow policy: the dropped seq range and its readings", () => {
    const dir = tmpDir();
    const events: JournalEvent[] = [];
    const j = open(dir, { maxBytes: 4096 }, events);
    for (let i = 1; i <= 30; i++) j.append(batch(i % 4 === 0 ? 4 : 1));
    const drops = lost(events);
    expect(drops.length).toBeGreaterThan(0);
    const s = j.stats();
    const total = drops.reduce((a, l) => a + (l.readings ?? 0), 0);
    expect(s.lossTotals["buffer-full"].readings).toBe(total);
    expect(s.dropped.readings).toBe(total);
    // contiguous drops merge into one entry from seq 1
    expect(s.losses).toHaveLength(1);
    expect(s.losses[0]).toMatchObject({ reason: "buffer-full", fromSeq: 1, batches: s.dropped.batches });
    j.close();
  });
});

describe("power cut inside the fsync window", () => {
  /** Appends 1..n with the cursor written after `known`, then "loses power": the disk keeps only what was fsynced. */
  function cutPower(fsync: "interval" | "off", n: number, known: number, synced: number): string {
    const dir = tmpDir();
    const j = open(dir, { fsync, fsyncIntervalMs: 3_600_000, segmentBytes: 1 << 20 });
    for (let i = 1; i <= n; i++) {
      j.append(batch(i));
      if (i === synced) j.sync();
      if (i === known) j.flushCursor();
    }
    j.ack(2); // the brain had 1 and 2 before the cut…
    const point = j.syncedPoint();
    expect(point.seq).toBe(synced);
    // …and the cursor is not written again: power goes, the page cache with it
    fs.truncateSync(path.join(dir, point.segment ?? ""), point.bytes);
    return dir;
  }

  it.each(["interval", "off"] as const)(
    "fsync %s: batches the cursor knew of are counted exactly, the rest is named as possibly lost",
    (fsync) => {
      const dir = cutPower(fsync, 9, 7, 4);
      const events: JournalEvent[] = [];
      const j = open(dir, { fsync, bootId: "boot-b" }, events);
      const [loss] = lost(events);
      expect(loss).toMatchObject({
        reason: "power-cut",
        fromSeq: 5,
        toSeq: 7,
        batches: 3,
        readings: sum(5, 7),
      });
      expect(loss?.note).toMatch(/after seq 7 .* may be lost too/);
      // numbering resumes above the reservation: no seq the brain may have seen is reused
      const next = j.append(batch(1));
      expect(next.ok && next.seq).toBeGreaterThan(9);
      // the brain had batch 6 (sent before the cut): delivered, not lost
      expect(j.pendingLossCheck()).toEqual({ fromSeq: 5, toSeq: 7 });
      const settled = j.settleLossCheck([{ local: 6, readings: 6 }]);
      expect(settled).toMatchObject({ batches: 2, readings: 5 + 7 });
      expect(j.stats().lossTotals["power-cut"]).toEqual({ batches: 2, readings: 12 });
      j.close();
    },
  );

  it("a power cut that takes every unsynced batch, none acknowledged: counted from the start", () => {
    const dir = tmpDir();
    const j = open(dir, { fsync: "interval", fsyncIntervalMs: 3_600_000, segmentBytes: 1 << 20 });
    for (let i = 1; i <= 6; i++) j.append(batch(i));
    j.flushCursor();
    const point = j.syncedPoint();
    expect(point.bytes).toBe(0);
    fs.truncateSync(path.join(dir, point.segment ?? ""), 0);
    const events: JournalEvent[] = [];
    const k = open(dir, { fsync: "interval", bootId: "boot-b" }, events);
    expect(lost(events)[0]).toMatchObject({
      reason: "power-cut",
      fromSeq: 1,
      toSeq: 6,
      batches: 6,
      readings: sum(1, 6),
    });
    k.close();
  });

  it("a process crash on the same boot loses nothing that was written, and still reuses no seq", () => {
    const dir = tmpDir();
    const j = open(dir, { fsync: "interval", fsyncIntervalMs: 3_600_000 });
    for (let i = 1; i <= 5; i++) j.append(batch(i));
    // crash: no close; the page cache survives, so every record is still there
    const events: JournalEvent[] = [];
    const k = open(dir, { fsync: "interval" }, events);
    expect(lost(events)).toEqual([]);
    expect(k.records(0, 1e9, 100).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const next = k.append(batch(1));
    expect(next.ok && next.seq).toBeGreaterThan(5);
    k.close();
  });

  it("fsync batch: a power cut loses no batch that was appended", () => {
    const dir = tmpDir();
    const j = open(dir, { fsync: "batch" });
    for (let i = 1; i <= 5; i++) j.append(batch(i));
    const point = j.syncedPoint();
    expect(point.seq).toBe(5);
    fs.truncateSync(path.join(dir, point.segment ?? ""), point.bytes);
    const events: JournalEvent[] = [];
    const k = open(dir, { fsync: "batch", bootId: "boot-b" }, events);
    expect(lost(events)).toEqual([]);
    expect(k.append(batch(1))).toEqual({ ok: true, seq: 6 });
    k.close();
  });
});
