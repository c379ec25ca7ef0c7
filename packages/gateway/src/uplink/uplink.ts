import { Backoff, sleep } from "@weft/connector-sdk";
import type { Logger } from "pino";
import { type Journal, readingsOf } from "../journal/journal.ts";
import { RateMeter } from "../runtime/rate.ts";
import { BrainCallError, type BrainClient, type Failure, type PushResult } from "./client.ts";
import { buildUpload, type Upload } from "./upload.ts";

/** Steps of the acknowledge path where a fault-injection test may stop the process. */
export type UplinkFaultStep = "before-send" | "after-commit";

export interface UplinkOptions {
  journal: Journal;
  client: BrainClient;
  gatewayId: string;
  logger: Logger;
  retryInitialMs: number;
  retryMaxMs: number;
  /**
   * Uploads in flight at once (default 1). More overlaps network and brain work; the brain
   * dedupes on (gateway, seq) in any order and the journal is acknowledged in order.
   */
  maxInFlight?: number;
  /** A backlog goes in uploads of up to this many readings (whole batches merged). Default 20,000. */
  maxUploadReadings?: number;
  /** Fault-injection tests only (see runtime/fault.ts). */
  fault?: (step: UplinkFaultStep) => void;
  now?: () => number;
}

export interface UplinkStatus {
  connected: boolean;
  /** `sending`, `waiting` (retrying after a failure), `refused` (API key or gateway id refused). */
  state: "sending" | "waiting" | "refused";
  /** Successful `ingest.push` calls (a backlog merges many batches into one). */
  uploads: number;
  sentBatches: number;
  sentReadings: number;
  duplicates: number;
  rejectedReadings: number;
  deadLetters: number;
  renumberings: number;
  failures: number;
  consecutiveFailures: number;
  lastUploadAt: number | null;
  /** Upload time minus the source time of the oldest reading in the last upload. */
  lastLagMs: number | null;
  /** Readings the brain accepted per second (10 s window): the drain rate of a backlog. */
  drainPerSecond: number;
  lastError: { code: string; message: string; at: number } | null;
  compression: "gzip" | "none";
  bytesOnWire: number;
  bytesRaw: number;
}

type Outcome = { upload: Upload } & ({ ok: true } | { ok: false; failure: Failure | null });

/** Most gateway batches merged into one upload. */
const MAX_PARTS = 1000;

/**
 * Sends journal batches to the brain in seq order, merging a backlog into large uploads, and
 * acknowledges them in the journal once the brain stored them (or had them: duplicates). What
 * can succeed later is retried with backoff (honouring Retry-After); what never can goes to the
 * dead-letter area with the brain's reason and the next batches flow; a SEQ_CONFLICT renumbers
 * the unsent batches above the brain's last seq. Nothing is skipped silently.
 */
export class Uplink {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly drain: RateMeter;
  private lastAcked = 0;
  private lastLossCheck = 0;
  /**
   * Local seqs of batches whose last upload ended without a definite answer (a timeout, a reset
   * connection, a 5xx that may have come after the commit): the brain may hold them under their
   * current wire seqs. A definite answer for a batch (stored, duplicate, refused, conflict on it)
   * takes it out. `resync` settles these before it renumbers anything (see there).
   *
   * A restart forgets which uploads went unanswered, so every batch pending when the loop starts
   * is in here too (the previous run may have sent it and lost the answer), and in
   * {@link unsentSinceStart} until this run sends it.
   */
  private readonly maybeStored = new Set<number>();
  /**
   * Batches pending at start that this run has not sent yet. Only the previous run can have sent
   * them, so the brain holds one only under a wire seq at or below its last seq: the others are
   * known not stored as soon as the brain says its last seq (see {@link settleMaybeStored}).
   */
  private readonly unsentSinceStart = new Set<number>();
  private readonly s: Omit<UplinkStatus, "compression" | "bytesOnWire" | "bytesRaw" | "drainPerSecond"> = {
    connected: false,
    state: "sending",
    uploads: 0,
    sentBatches: 0,
    sentReadings: 0,
    duplicates: 0,
    rejectedReadings: 0,
    deadLetters: 0,
    renumberings: 0,
    failures: 0,
    consecutiveFailures: 0,
    lastUploadAt: null,
    lastLagMs: null,
    lastError: null,
  };

  constructor(private readonly o: UplinkOptions) {
    this.backoff = new Backoff({ initialMs: o.retryInitialMs, maxMs: o.retryMaxMs });
    this.now = o.now ?? Date.now;
    this.drain = new RateMeter(10, this.now);
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
      this.o.journal.nextPendingSeq(this.lastAcked) !== null &&
      this.s.consecutiveFailures === 0
    )
      await sleep(20);
    this.abort.abort();
    await this.loop;
  }

  status(): UplinkStatus {
    return {
      ...this.s,
      drainPerSecond: this.drain.perSecond(),
      compression: this.o.client.gzip ? "gzip" : "none",
      bytesOnWire: this.o.client.bytes.wire,
      bytesRaw: this.o.client.bytes.raw,
    };
  }

  private async run(): Promise<void> {
    const { journal } = this.o;
    const signal = this.abort.signal;
    const window = Math.max(1, this.o.maxInFlight ?? 1);
    const maxReadings = this.o.maxUploadReadings ?? 20_000;
    const inFlight = new Map<number, Promise<Outcome>>();
    const done = new Set<number>();
    /** Batches up to this seq go one per upload: finding the one the brain refuses. */
    let isolateThrough = 0;
    this.lastAcked = journal.stats().ackedSeq;
    for (let l = journal.nextPendingSeq(this.lastAcked); l !== null; l = journal.nextPendingSeq(l)) {
      if (journal.isDelivered(l)) continue;
      this.maybeStored.add(l);
      this.unsentSinceStart.add(l);
    }
    let nextAfter = this.lastAcked;
    while (!signal.aborted) {
      await this.checkLoss(signal);
      while (inFlight.size < window) {
        const recs = journal.records(nextAfter, maxReadings, nextAfter < isolateThrough ? 1 : MAX_PARTS);
        const last = recs.at(-1);
        if (!last) break;
        nextAfter = last.seq;
        const todo = recs.filter((r) => !done.has(r.seq) && !journal.isDelivered(r.seq));
        const upload = buildUpload(this.o.gatewayId, todo, (l) => journal.wireSeq(l), this.now());
        for (const r of recs) if (!upload?.locals.includes(r.seq)) done.add(r.seq);
        if (upload) inFlight.set(upload.locals[0] as number, this.send(upload, signal));
      }
      this.ackContiguous(done);
      if (inFlight.size === 0) {
        await Promise.race([journal.waitForAppend(500), sleep(500, signal)]);
        continue;
      }
      const first = await Promise.race([...inFlight].map(([k, p]) => p.then((o) => [k, o] as const)));
      inFlight.delete(first[0]);
      if (first[1].ok) {
        for (const l of first[1].upload.locals) done.add(l);
        this.ackContiguous(done);
        continue;
      }
      // A failure: let the others finish, acknowledge what is contiguous, act on the first failure.
      const failed: Outcome[] = [first[1]];
      for (const p of inFlight.values()) {
        const o = await p;
        if (o.ok) for (const l of o.upload.locals) done.add(l);
        else failed.push(o);
      }
      inFlight.clear();
      this.ackContiguous(done);
      if (signal.aborted) break;
      failed.sort((a, b) => (a.upload.locals[0] ?? 0) - (b.upload.locals[0] ?? 0));
      const f = failed[0] as Outcome & { ok: false };
      if (f.failure?.kind === "conflict") await this.resync(f.upload, f.failure, done, signal);
      else if (f.failure?.kind === "rejected" && f.upload.locals.length > 1)
        isolateThrough = Math.max(isolateThrough, f.upload.locals.at(-1) ?? 0);
      else if (f.failure?.kind === "rejected") {
        this.deadLetter(f.upload, f.failure);
        for (const l of f.upload.locals) done.add(l);
        this.ackContiguous(done);
      } else if (f.failure) {
        const wait = Math.max(this.backoff.next(), f.failure.retryAfterMs ?? 0);
        await sleep(wait, signal);
      }
      nextAfter = this.lastAcked; // resend from the first gap (what is done is skipped)
    }
    await Promise.all(inFlight.values());
  }

  /** Acknowledge in seq order: only batches with every earlier one done. */
  private ackContiguous(done: Set<number>): void {
    const { journal } = this.o;
    for (;;) {
      const next = journal.nextPendingSeq(this.lastAcked);
      if (next === null || !(done.has(next) || journal.isDelivered(next))) return;
      done.delete(next);
      this.maybeStored.delete(next);
      this.unsentSinceStart.delete(next);
      this.drain.add(journal.ack(next));
      this.lastAcked = next;
    }
  }

  private async send(upload: Upload, signal: AbortSignal): Promise<Outcome> {
    for (const l of upload.locals) this.unsentSinceStart.delete(l);
    try {
      this.o.fault?.("before-send");
      const res = await this.o.client.push(upload.body, signal);
      this.o.fault?.("after-commit");
      for (const l of upload.locals) this.maybeStored.delete(l);
      if (res.rejected.length) this.keepRejected(upload, res);
      this.succeeded(upload, res);
      return { upload, ok: true };
    } catch (err) {
      if (signal.aborted) {
        for (const l of upload.locals) this.maybeStored.add(l);
        return { upload, ok: false, failure: null };
      }
      const failure =
        err instanceof BrainCallError
          ? err.failure
          : ({
              kind: "transient",
              code: "ERROR",
              weftCode: null,
              status: 0,
              message: String(err),
              retryAfterMs: null,
              conflict: null,
              tooLarge: false,
            } satisfies Failure);
      this.noteUncertainty(upload, failure);
      this.failed(upload, failure);
      return { upload, ok: false, failure };
    }
  }

  /**
   * What a failed upload says about whether the brain holds its batches. A transient failure
   * says nothing (the brain may have stored them and the answer got lost); a refusal or a
   * conflict stores nothing of the upload, but only about the batch it names (or the only batch)
   * does it say that no earlier upload stored it either.
   */
  private noteUncertainty(upload: Upload, f: Failure): void {
    if (f.kind === "transient") {
      for (const l of upload.locals) this.maybeStored.add(l);
      return;
    }
    if (upload.locals.length === 1 && (f.kind === "conflict" || f.kind === "rejected")) {
      this.maybeStored.delete(upload.locals[0] as number);
      return;
    }
    if (f.kind === "conflict") {
      const at = upload.parts.findIndex((p) => p.seq === f.conflict?.seq);
      if (at >= 0) this.maybeStored.delete(upload.locals[at] as number);
    }
  }

  private succeeded(upload: Upload, res: PushResult): void {
    this.backoff.reset();
    if (this.s.consecutiveFailures > 0)
      this.o.logger.info(
        { seq: upload.parts[0]?.seq, after: this.s.consecutiveFailures },
        "brain reachable again",
      );
    const now = this.now();
    Object.assign(this.s, {
      connected: true,
      state: "sending",
      consecutiveFailures: 0,
      uploads: this.s.uploads + 1,
      sentBatches: this.s.sentBatches + upload.locals.length,
      sentReadings: this.s.sentReadings + upload.readings,
      duplicates: this.s.duplicates + (res.duplicate ? upload.locals.length : res.duplicateParts.length),
      rejectedReadings: this.s.rejectedReadings + res.rejected.length,
      lastUploadAt: now,
      lastLagMs: upload.firstTs > 0 ? Math.max(0, now - upload.firstTs) : null,
    });
  }

  private failed(upload: Upload, f: Failure): void {
    this.s.failures++;
    this.s.consecutiveFailures++;
    this.s.connected = f.status > 0 && f.kind !== "transient";
    this.s.state = f.kind === "unauthorized" ? "refused" : "waiting";
    this.s.lastError = { code: f.weftCode ?? f.code, message: f.message, at: this.now() };
    if (f.kind === "conflict" || f.kind === "rejected") return; // reported where they are handled
    if (this.s.consecutiveFailures === 1 || this.s.consecutiveFailures % 20 === 0)
      this.o.logger[f.kind === "transient" ? "warn" : "error"](
        {
          seq: upload.parts[0]?.seq,
          status: f.status,
          code: f.weftCode ?? f.code,
          err: f.message,
          attempt: this.s.consecutiveFailures,
          ...(f.retryAfterMs !== null ? { retryAfterMs: f.retryAfterMs } : {}),
        },
        f.kind === "unauthorized"
          ? "brain refused this gateway (API key or gateway id); fix and it resumes, the buffer keeps the data"
          : "upload failed; will retry",
      );
  }

  /** A batch the brain will never accept: into the dead-letter area with its reason, then onwards. */
  private deadLetter(upload: Upload, f: Failure): void {
    for (const r of upload.records) {
      const readings = readingsOf(r);
      this.o.journal.deadLetter(
        {
          seq: r.seq,
          wireSeq: this.o.journal.wireSeq(r.seq),
          kind: "batch",
          code: f.weftCode ?? f.code,
          reason: f.message,
        },
        readings,
        { status: f.status },
      );
      this.s.deadLetters++;
      this.o.logger.error(
        {
          seq: r.seq,
          wireSeq: this.o.journal.wireSeq(r.seq),
          readings: readings.length,
          status: f.status,
          code: f.weftCode ?? f.code,
          reason: f.message,
        },
        "brain refused a batch for good; kept in the dead-letter area, going on with the next batches",
      );
    }
  }

  /** Readings the brain rejected one by one: kept in the dead-letter area with their reasons. */
  private keepRejected(upload: Upload, res: PushResult): void {
    let offset = 0;
    let r = 0;
    for (const rec of upload.records) {
      const end = offset + rec.count;
      const mine: { index: number; reason: string }[] = [];
      while (r < res.rejected.length && (res.rejected[r]?.index ?? Number.POSITIVE_INFINITY) < end)
        mine.push(res.rejected[r++] as { index: number; reason: string });
      if (mine.length) {
        const readings = readingsOf(rec);
        const kept = mine.map((m) => readings[m.index - offset]).filter((x) => x !== undefined);
        this.o.journal.deadLetter(
          {
            seq: rec.seq,
            wireSeq: this.o.journal.wireSeq(rec.seq),
            kind: "readings",
            code: "REJECTED",
            reason: mine[0]?.reason ?? "",
          },
          kept,
          { reasons: mine.map((m) => ({ index: m.index - offset, reason: m.reason })) },
        );
        this.o.logger.warn(
          { seq: rec.seq, rejected: mine.length, first: mine[0]?.reason },
          "brain rejected readings of a batch; kept in the dead-letter area with the reasons",
        );
      }
      offset = end;
    }
  }

  /**
   * The brain has (some of) these seqs with other readings: settle the batches it may hold from
   * uploads whose answer was lost, ask it for its last seq, keep what it already accepted from us
   * out of order, and renumber the rest above its last seq.
   *
   * A batch renumbered while the brain holds it under its old seq would be stored twice, so
   * nothing is renumbered while any batch from the conflict on is uncertain: each is first sent
   * again under its old seq (see {@link settleMaybeStored}); if that too gets no definite answer,
   * this backs off and returns, and the loop meets the conflict again.
   */
  private async resync(upload: Upload, f: Failure, done: Set<number>, signal: AbortSignal): Promise<void> {
    const { journal } = this.o;
    const at = upload.parts.findIndex((p) => p.seq === f.conflict?.seq);
    const local = upload.locals[Math.max(0, at)] as number;
    const settled = await this.settleMaybeStored(local, signal);
    if (!settled) {
      if (signal.aborted) return;
      const wait = this.backoff.next();
      this.o.logger.warn(
        {
          seq: f.conflict?.seq,
          localSeq: local,
          uncertain: this.uncertainFrom(local).length,
          retryInMs: wait,
        },
        "seq conflict: the brain may hold batches whose answer was lost; not renumbering until it answers for them",
      );
      await sleep(wait, signal);
      return;
    }
    // After the resends: the brain's last seq may have grown by them.
    let lastSeq = f.conflict?.lastSeq ?? 0;
    try {
      lastSeq = Math.max(lastSeq, (await this.o.client.state(undefined, signal)).lastSeq ?? 0);
    } catch {
      await sleep(this.backoff.next(), signal);
      return; // try again: the next send meets the same conflict
    }
    // Delivered batches are never sent again: renumbering them only skips their new wire seqs.
    journal.markDelivered([...done].filter((d) => d > local));
    journal.renumberFrom(local, lastSeq + 1);
    this.s.renumberings++;
    this.o.logger.error(
      {
        seq: f.conflict?.seq,
        localSeq: local,
        brainLastSeq: lastSeq,
        newSeq: journal.wireSeq(local),
        resolvedByResend: settled.delivered,
        notOurs: settled.notOurs,
      },
      "seq conflict: the brain holds this seq with other readings (a restored or reused data dir?); unsent batches renumbered, nothing lost",
    );
  }

  /** Maybe-stored batches from `local` on that are still pending, in seq order. */
  private uncertainFrom(local: number): number[] {
    const { journal } = this.o;
    return [...this.maybeStored]
      .filter((l) => l >= local && l > this.lastAcked && !journal.isDelivered(l))
      .sort((a, b) => a - b);
  }

  /**
   * Send every maybe-stored batch from `local` on again under its current (old) wire seq and act
   * on the answer: stored or duplicate → delivered (persisted, so it is never renumbered nor sent
   * again); a conflict on it or a refusal → the brain does not hold it, it is renumbered with the
   * rest. Consecutive ones go merged as the loop merges them; an upload that conflicts settles the
   * batch the brain names, and after a conflict or a refusal they go one by one. Batches pending
   * since the start that this run never sent are first checked against the brain's last seq: above
   * it they are not stored and need no resend. null when one of them still got no definite answer
   * (nothing is renumbered then); else how many were delivered, how many not ours.
   */
  private async settleMaybeStored(
    local: number,
    signal: AbortSignal,
  ): Promise<{ delivered: number; notOurs: number } | null> {
    const { journal } = this.o;
    const maxReadings = this.o.maxUploadReadings ?? 20_000;
    let delivered = 0;
    let notOurs = 0;
    let oneByOne = false;
    const unsent = this.uncertainFrom(local).filter((l) => this.unsentSinceStart.has(l));
    if (unsent.length > 0) {
      let lastSeq: number | null;
      try {
        lastSeq = (await this.o.client.state(undefined, signal)).lastSeq;
      } catch {
        return null; // no answer: still uncertain
      }
      for (const l of unsent)
        if (journal.wireSeq(l) > (lastSeq ?? 0)) {
          this.maybeStored.delete(l); // above the brain's last seq, and nobody sends it now: not stored
          this.unsentSinceStart.delete(l);
        }
    }
    for (;;) {
      const todo = this.uncertainFrom(local);
      if (todo.length === 0) return { delivered, notOurs };
      const recs = [];
      let readings = 0;
      for (const l of todo) {
        const rec = journal.records(l - 1, Number.POSITIVE_INFINITY, 1)[0];
        if (rec?.seq !== l || rec.count === 0) {
          this.maybeStored.delete(l); // acknowledged or unreadable meanwhile: nothing to settle
          continue;
        }
        if (recs.length > 0 && (oneByOne || recs.length >= MAX_PARTS || readings + rec.count > maxReadings))
          break;
        recs.push(rec);
        readings += rec.count;
      }
      const upload = buildUpload(this.o.gatewayId, recs, (l) => journal.wireSeq(l), this.now());
      if (!upload) continue;
      const before = this.maybeStored.size;
      const out = await this.send(upload, signal);
      if (out.ok) {
        journal.markDelivered(upload.locals);
        delivered += upload.locals.length;
        continue;
      }
      const kind = out.failure?.kind;
      if (kind === "rejected" && upload.locals.length === 1) {
        notOurs++; // refused, so not stored: the loop sends it again (renumbered) and dead-letters it
        continue;
      }
      if (kind === "conflict" && this.maybeStored.size < before) {
        notOurs += before - this.maybeStored.size;
        // The brain names one conflict an upload: after a restored data dir many may follow, and
        // one batch an upload decides each in one small round trip instead of resending them all.
        oneByOne = true;
        continue;
      }
      if (kind === "conflict" || kind === "rejected") {
        oneByOne = true;
        continue;
      }
      return null; // transient, refused gateway, or stopping: still uncertain
    }
  }

  /** After a power cut: ask the brain which of the batches the journal lost it has (they were delivered). */
  private async checkLoss(signal: AbortSignal): Promise<void> {
    const { journal } = this.o;
    const check = journal.pendingLossCheck();
    if (!check || this.now() - this.lastLossCheck < 5000) return;
    this.lastLossCheck = this.now();
    const after = journal.wireSeq(check.fromSeq) - 1;
    const upTo = journal.wireSeq(check.toSeq);
    try {
      const st = await this.o.client.state({ after, upTo }, signal);
      const byWire = new Map(st.batches.map((b) => [b.seq, b.readings]));
      const has: { local: number; readings: number }[] = [];
      for (let l = check.fromSeq; l <= check.toSeq; l++) {
        const n = byWire.get(journal.wireSeq(l));
        if (n !== undefined) has.push({ local: l, readings: n });
      }
      const settled = journal.settleLossCheck(has);
      if (settled)
        this.o.logger.error(
          {
            fromSeq: settled.fromSeq,
            toSeq: settled.toSeq,
            batches: settled.batches,
            readings: settled.readings,
            deliveredBefore: has.length,
          },
          "power cut: checked at the brain what the buffer lost",
        );
    } catch {
      // the brain is not reachable yet; checked again later
    }
  }
}
