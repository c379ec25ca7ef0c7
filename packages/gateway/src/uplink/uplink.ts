import * as fs from "node:fs";
import * as path from "node:path";
import { Backoff, sleep } from "@weft/connector-sdk";
import type { Logger } from "pino";
import type { Journal, JournalBatch } from "../journal/journal.ts";
import { type BrainClient, classifyFailure } from "./client.ts";

export interface UplinkOptions {
  journal: Journal;
  client: BrainClient;
  gatewayId: string;
  logger: Logger;
  retryInitialMs: number;
  retryMaxMs: number;
  /** Folder for batches the brain rejects as invalid after `maxRejections` tries (dead letters). */
  deadLetterDir: string;
  maxRejections?: number;
  /**
   * Batches in flight at once (default 1). More overlaps network and brain work; the
   * brain dedupes on (gateway, seq) in any order and the journal is acknowledged in order.
   */
  maxInFlight?: number;
  now?: () => number;
}

export interface UplinkStatus {
  connected: boolean;
  sentBatches: number;
  sentReadings: number;
  duplicates: number;
  rejectedReadings: number;
  deadLetters: number;
  failures: number;
  consecutiveFailures: number;
  lastUploadAt: number | null;
  /** Source timestamp of the oldest reading in the last uploaded batch, as lag = upload time − that. */
  lastLagMs: number | null;
  lastError: { code: string; message: string; at: number } | null;
  compression: "gzip" | "none";
  bytesOnWire: number;
  bytesRaw: number;
}

/**
 * Sends journal batches to the brain in seq order, one at a time, acknowledging each
 * in the journal once the brain stored it (or had it already: a duplicate). Transient
 * failures retry with exponential backoff and jitter; nothing is skipped.
 */
export class Uplink {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private lastSent = 0;
  private rejections = 0;
  private readonly s: Omit<UplinkStatus, "compression" | "bytesOnWire" | "bytesRaw"> = {
    connected: false,
    sentBatches: 0,
    sentReadings: 0,
    duplicates: 0,
    rejectedReadings: 0,
    deadLetters: 0,
    failures: 0,
    consecutiveFailures: 0,
    lastUploadAt: null,
    lastLagMs: null,
    lastError: null,
  };

  constructor(private readonly o: UplinkOptions) {
    this.backoff = new Backoff({ initialMs: o.retryInitialMs, maxMs: o.retryMaxMs });
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Keep sending until the journal is drained or `deadlineMs` passes, then stop. */
  async stop(deadlineMs = 0): Promise<void> {
    const until = this.now() + deadlineMs;
    while (
      deadlineMs > 0 &&
      this.now() < until &&
      this.o.journal.next(this.lastSent) &&
      this.s.consecutiveFailures === 0
    )
      await sleep(20);
    this.abort.abort();
    await this.loop;
  }

  status(): UplinkStatus {
    return {
      ...this.s,
      compression: this.o.client.gzip ? "gzip" : "none",
      bytesOnWire: this.o.client.bytes.wire,
      bytesRaw: this.o.client.bytes.raw,
    };
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    const window = Math.max(1, this.o.maxInFlight ?? 1);
    const inFlight = new Map<number, Promise<boolean>>();
    const done = new Set<number>();
    let nextAfter = this.lastSent;
    while (!signal.aborted) {
      while (inFlight.size < window) {
        const batch = this.o.journal.next(nextAfter);
        if (!batch) break;
        nextAfter = batch.seq;
        inFlight.set(batch.seq, this.send(batch, signal));
      }
      if (inFlight.size === 0) {
        await Promise.race([this.o.journal.waitForAppend(500), sleep(500, signal)]);
        continue;
      }
      const [seq, ok] = await Promise.race([...inFlight].map(([q, p]) => p.then((r) => [q, r] as const)));
      inFlight.delete(seq);
      if (ok) {
        done.add(seq);
        this.ackContiguous(done);
        continue;
      }
      // A failure: let the others finish, acknowledge what is contiguous, resend from the first gap.
      for (const [q, p] of inFlight) if (await p) done.add(q);
      inFlight.clear();
      this.ackContiguous(done);
      done.clear();
      nextAfter = this.lastSent;
      if (!signal.aborted) await sleep(this.backoff.next(), signal);
    }
    await Promise.all(inFlight.values());
  }

  /** Acknowledge in seq order: only batches with every earlier one accepted. */
  private ackContiguous(done: Set<number>): void {
    for (;;) {
      const next = this.o.journal.next(this.lastSent);
      if (!next || !done.has(next.seq)) return;
      done.delete(next.seq);
      this.o.journal.ack(next.seq);
      this.lastSent = next.seq;
    }
  }

  private async send(batch: JournalBatch, signal: AbortSignal): Promise<boolean> {
    try {
      const res = await this.o.client.push(
        { gatewayId: this.o.gatewayId, seq: batch.seq, sentAt: this.now(), readings: batch.readings },
        signal,
      );
      this.succeeded(batch, res.duplicate, res.rejected.length);
      if (res.rejected.length)
        this.o.logger.warn(
          { seq: batch.seq, rejected: res.rejected.length, first: res.rejected[0] },
          "brain rejected some readings",
        );
      return true;
    } catch (err) {
      if (signal.aborted) return false;
      const f = classifyFailure(err);
      this.s.failures++;
      this.s.consecutiveFailures++;
      this.s.connected = f.kind !== "transient";
      this.s.lastError = { code: f.code, message: f.message, at: this.now() };
      const log = { seq: batch.seq, code: f.code, err: f.message, attempt: this.s.consecutiveFailures };
      if (f.kind === "rejected" && ++this.rejections >= (this.o.maxRejections ?? 5)) {
        this.deadLetter(batch, f.message);
        return true;
      }
      if (this.s.consecutiveFailures === 1 || this.s.consecutiveFailures % 20 === 0)
        this.o.logger[f.kind === "transient" ? "warn" : "error"](
          log,
          f.kind === "unauthorized"
            ? "brain refused this gateway's batch (API key or machine ownership); fix and it resumes, the buffer keeps the data"
            : "upload failed; will retry",
        );
      return false;
    }
  }

  private succeeded(batch: JournalBatch, duplicate: boolean, rejected: number): void {
    this.backoff.reset();
    this.rejections = 0;
    if (this.s.consecutiveFailures > 0)
      this.o.logger.info({ seq: batch.seq, after: this.s.consecutiveFailures }, "brain reachable again");
    const now = this.now();
    let oldest = Number.POSITIVE_INFINITY;
    for (const r of batch.readings) if (r.ts < oldest) oldest = r.ts;
    Object.assign(this.s, {
      connected: true,
      consecutiveFailures: 0,
      sentBatches: this.s.sentBatches + 1,
      sentReadings: this.s.sentReadings + batch.readings.length,
      duplicates: this.s.duplicates + (duplicate ? 1 : 0),
      rejectedReadings: this.s.rejectedReadings + rejected,
      lastUploadAt: now,
      lastLagMs: Number.isFinite(oldest) ? Math.max(0, now - oldest) : null,
    });
  }

  /** A batch the brain keeps refusing as invalid is saved for inspection and acknowledged, so it cannot stall the rest. */
  private deadLetter(batch: JournalBatch, reason: string): void {
    fs.mkdirSync(this.o.deadLetterDir, { recursive: true });
    const file = path.join(this.o.deadLetterDir, `${String(batch.seq).padStart(20, "0")}.json`);
    fs.writeFileSync(
      file,
      JSON.stringify({ seq: batch.seq, reason, at: this.now(), readings: batch.readings }),
    );
    this.o.logger.error(
      { seq: batch.seq, file, reason },
      "brain rejected a batch repeatedly; saved as a dead letter",
    );
    this.s.deadLetters++;
    this.succeeded(batch, false, batch.readings.length);
  }
}
