import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { afterEach, describe, expect, it } from "vitest";
import { Journal, type JournalEvent, type JournalOptions } from "./journal.ts";
import { listSegmentFiles } from "./segment.ts";

const dirs: string[] = [];
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "weft-journal-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function batch(n: number, ts: number, point = "p"): BatchReading[] {
  return Array.from({ length: n }, (_, i) => ({
    machine: "m1",
    point,
    ts: ts + i,
    value: i,
    quality: "good",
  }));
}

function open(dir: string, extra: Partial<JournalOptions> = {}, events: JournalEvent[] = []): Journal {
  return Journal.open({ dir, fsync: "off", cursorFlushMs: 60_000, onEvent: (e) => events.push(e), ...extra });
}

function drain(j: Journal): number[] {
  const seqs: number[] = [];
  let after = 0;
  for (let b = j.next(after); b; b = j.next(after)) {
    seqs.push(b.seq);
    after = b.seq;
  }
  return seqs;
}

describe("Journal", () => {
  it("keeps batches marked delivered out of a renumbering's range, across a reopen", () => {
    // The uplink settles batches the brain may hold before a renumbering and marks them delivered:
    // they must never go out again under a new wire seq, and be acknowledged in order.
    const dir = tmpDir();
    const j = open(dir);
    for (let i = 0; i < 8; i++) j.append(batch(2, 1000 * i));
    j.markDelivered([5, 6, 7, 8]);
    j.renumberFrom(1, 9);
    j.close();
    const k = open(dir);
    expect([5, 6, 7, 8].map((l) => k.isDelivered(l))).toEqual([true, true, true, true]);
    const toSend = k.records(0, Number.POSITIVE_INFINITY, 100).filter((r) => !k.isDelivered(r.seq));
    expect(toSend.map((r) => [r.seq, k.wireSeq(r.seq)])).toEqual([
      [1, 9],
      [2, 10],
      [3, 11],
      [4, 12],
    ]);
    k.ack(4);
    expect(k.nextPendingSeq(4)).toBe(5);
    expect(k.isDelivered(5)).toBe(true);
    k.close();
  });

  it("replays unacknowledged batches in order with the same seq and timestamps after reopening", () => {
    const dir = tmpDir();
    const j = open(dir, { segmentBytes: 2048, maxBytes: 1 << 20 });
    for (let i = 0; i < 30; i++) expect(j.append(batch(5, 1000 * i)).ok).toBe(true);
    j.ack(10);
    j.close();
    expect(listSegmentFiles(dir).length).toBeGreaterThan(1);
    const k = open(dir, { segmentBytes: 2048, maxBytes: 1 << 20 });
    expect(drain(k)).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
    expect(k.next(10)?.readings[0]?.ts).toBe(10_000);
    expect(k.stats()).toMatchObject({ pendingBatches: 20, pendingReadings: 100, ackedSeq: 10, lastSeq: 30 });
    expect(k.append(batch(1, 0))).toEqual({ ok: true, seq: 31 });
    k.close();
  });

  it("reports no oldest pending timestamp for an empty batch, before and after reopening", () => {
    const dir = tmpDir();
    const j = open(dir);
    j.append([]);
    expect(j.stats()).toMatchObject({ pendingBatches: 1, oldestPendingTs: null });
    j.close();
    const k = open(dir);
    expect(k.stats()).toMatchObject({ pendingBatches: 1, oldestPendingTs: null });
    k.append(batch(2, 5000));
    k.ack(1);
    expect(k.stats().oldestPendingTs).toBe(5000);
    k.close();
  });

  it("never reuses a seq, even when every segment was compacted", () => {
    const dir = tmpDir();
    const j = open(dir, { segmentBytes: 1024 });
    for (let i = 0; i < 20; i++) j.append(batch(3, i));
    j.ack(20);
    j.close();
    const k = open(dir, { segmentBytes: 1024 });
    expect(k.stats().pendingBatches).toBe(0);
    expect(k.stats().segments).toBe(1);
    expect(k.append(batch(1, 0))).toEqual({ ok: true, seq: 21 });
    k.close();
  });

  it("compacts acknowledged segments once the cursor is persisted", () => {
    const dir = tmpDir();
    const j = open(dir, { segmentBytes: 1024 });
    for (let i = 0; i < 40; i++) j.append(batch(3, i));
    const before = j.stats().segments;
    j.ack(39);
    j.flushCursor();
    expect(j.stats().segments).toBeLessThan(before);
    expect(drain(j)).toEqual([40]);
    j.close();
  });

  it("drops the oldest segment when full and counts what was lost", () => {
    const dir = tmpDir();
    const events: JournalEvent[] = [];
    const j = open(dir, { segmentBytes: 2048, maxBytes: 4096 }, events);
    for (let i = 0; i < 60; i++) j.append(batch(4, i));
    const s = j.stats();
    expect(s.bytes).toBeLessThanOrEqual(4096);
    expect(s.dropped.batches).toBeGreaterThan(0);
    expect(s.dropped.readings).toBe(s.dropped.batches * 4);
    expect(s.pendingBatches + s.dropped.batches).toBe(60);
    expect(events.some((e) => e.type === "lost" && e.loss.reason === "buffer-full")).toBe(true);
    expect(drain(j).at(-1)).toBe(60);
    j.close();
    expect(open(dir, { segmentBytes: 2048, maxBytes: 4096 }).stats().dropped).toEqual(s.dropped);
  });

  it("rejects new batches when full under reject-new and keeps the old ones", () => {
    const dir = tmpDir();
    const j = open(dir, { segmentBytes: 2048, maxBytes: 4096, whenFull: "reject-new" });
    let rejected = 0;
    for (let i = 0; i < 60; i++) if (!j.append(batch(4, i)).ok) rejected++;
    expect(rejected).toBeGreaterThan(0);
    expect(j.stats().dropped).toEqual({ batches: rejected, readings: rejected * 4 });
    expect(drain(j)[0]).toBe(1);
    j.close();
  });

  it("quarantines a corrupted segment, reports it and replays the rest", () => {
    const dir = tmpDir();
    const j = open(dir, { segmentBytes: 1500 });
    for (let i = 0; i < 30; i++) j.append(batch(3, i));
    j.close();
    const files = listSegmentFiles(dir);
    const victim = path.join(dir, files[1] ?? "");
    const buf = fs.readFileSync(victim);
    const mid = Math.floor(buf.length / 2);
    buf[mid] = (buf[mid] ?? 0) ^ 0xff;
    fs.writeFileSync(victim, buf);
    const events: JournalEvent[] = [];
    const k = open(dir, { segmentBytes: 1500 }, events);
    const seqs = drain(k);
    expect(seqs.length).toBe(29);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const q = events.find((e) => e.type === "quarantined");
    expect(q).toBeDefined();
    expect(k.stats().corrupt.segments).toBe(1);
    expect(k.stats().quarantined[0]?.segment).toBe(files[1]);
    expect(fs.readdirSync(path.join(dir, "quarantine")).length).toBe(1);
    k.close();
  });

  it("truncates a torn tail on the newest segment and keeps appending after it", () => {
    const dir = tmpDir();
    const j = open(dir);
    for (let i = 0; i < 5; i++) j.append(batch(3, i));
    j.close();
    const file = path.join(dir, listSegmentFiles(dir).at(-1) ?? "");
    fs.truncateSync(file, fs.statSync(file).size - 7);
    const events: JournalEvent[] = [];
    const k = open(dir, {}, events);
    expect(events.some((e) => e.type === "torn-tail")).toBe(true);
    expect(drain(k)).toEqual([1, 2, 3, 4]);
    expect(k.append(batch(1, 0)).ok).toBe(true);
    k.close();
    expect(drain(open(dir))).toEqual([1, 2, 3, 4, 6]);
  });
});
