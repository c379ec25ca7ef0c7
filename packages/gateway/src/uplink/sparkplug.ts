import { randomBytes } from "node:crypto";
import type { BatchReading } from "@weft/core";
import {
  decodePayload,
  decodeState,
  EdgeNode,
  edgeTopic,
  parseTopic,
  REBIRTH_METRIC,
  stateTopic,
} from "@weft/sparkplug";
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { type Journal, readingsOf } from "../journal/journal.ts";
import { RateMeter } from "../runtime/rate.ts";
import { ReceiptBook } from "./receipts.ts";
import type { UplinkStatus } from "./uplink.ts";

export interface SparkplugUplinkOptions {
  journal: Journal;
  logger: Logger;
  broker: string;
  /** MQTT.js options: credentials, TLS (see mqtt-options.ts). */
  client: mqtt.IClientOptions;
  groupId: string;
  edgeNodeId: string;
  /** Hold data while this host's STATE is offline; null: send whenever connected. */
  primaryHostId: string | null;
  receiptTimeoutMs: number;
  /** Readings sent but not yet confirmed, at most (default 200,000). */
  windowReadings?: number;
  /** Publish plain JSON at <base>/<machine>/<signal or point> too. */
  unsBase?: string;
}

/** Journal batches read per step (each becomes one DDATA per machine). */
const STEP_BATCHES = 64;

/**
 * The gateway as a Sparkplug B edge node. The journal stays the buffer: batches go out as
 * DDATA (QoS 1, a window of unconfirmed readings in flight) only while the broker is connected
 * and the primary host is online, and leave the journal only once the brain's receipt names every
 * part (weft/receipt/<group>/<edge>). Anything unconfirmed after a reconnect, a rebirth or the
 * receipt timeout is sent again; the brain stores each delivery key once. The NDEATH is the MQTT
 * will with the session's bdSeq.
 */
export class SparkplugUplink {
  private readonly edge: EdgeNode;
  private readonly book = new ReceiptBook();
  private readonly done = new Set<number>();
  private readonly drain = new RateMeter(10);
  private client: MqttClient | null = null;
  private connected = false;
  private hostOnline: boolean;
  private born = false;
  private onlineSince = 0;
  private lastAcked = 0;
  private nextAfter = 0;
  private inFlightReadings = 0;
  private readonly sizes = new Map<number, number>();
  private pumping = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly s = {
    uploads: 0,
    sentBatches: 0,
    sentReadings: 0,
    failures: 0,
    lastUploadAt: null as number | null,
  };
  private lastError: UplinkStatus["lastError"] = null;
  private bytes = 0;

  constructor(private readonly o: SparkplugUplinkOptions) {
    this.edge = new EdgeNode(o.groupId, o.edgeNodeId);
    this.hostOnline = o.primaryHostId === null;
  }

  start(): void {
    const { o } = this;
    this.lastAcked = o.journal.stats().ackedSeq;
    this.nextAfter = this.lastAcked;
    const will = this.edge.death();
    this.client = mqtt.connect(o.broker, {
      ...o.client,
      clientId: `${o.edgeNodeId}-${randomBytes(3).toString("hex")}`,
      clean: true,
      will: { topic: will.topic, payload: Buffer.from(will.payload), qos: 1, retain: false },
    });
    const c = this.client;
    c.on("connect", () => this.onConnect());
    c.on("close", () => this.onClose());
    c.on("error", (err) => this.fail("MQTT", String(err)));
    c.on("message", (topic, payload) => this.onMessage(topic, payload));
    this.timer = setInterval(() => this.pump(), 200);
    this.timer.unref();
    void o.journal; // appends wake the pump through the interval and receipts
  }

  private onConnect(): void {
    const { o } = this;
    const c = this.client as MqttClient;
    this.connected = true;
    const subs = [edgeTopic(o.groupId, "NCMD", o.edgeNodeId), `weft/receipt/${o.groupId}/${o.edgeNodeId}`];
    if (o.primaryHostId) subs.push(stateTopic(o.primaryHostId));
    c.subscribe(subs, { qos: 1 }, (err) => {
      if (err) return this.fail("MQTT", `subscribe failed: ${String(err)}`);
      o.logger.info(
        { broker: o.broker, edgeNode: o.edgeNodeId, bdSeq: this.edge.bdSeq },
        "sparkplug uplink connected",
      );
      if (this.hostOnline) this.rebirth();
    });
  }

  private onClose(): void {
    if (this.connected)
      this.o.logger.warn({ broker: this.o.broker }, "sparkplug uplink disconnected; data stays buffered");
    this.connected = false;
    this.born = false;
    this.edge.disconnected();
    // The next session's will carries the next bdSeq, matching its NBIRTH.
    const will = this.edge.death();
    if (this.client)
      this.client.options.will = {
        topic: will.topic,
        payload: Buffer.from(will.payload),
        qos: 1,
        retain: false,
      };
  }

  private onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (t?.kind === "state") {
      const st = decodeState(payload);
      const online = st?.online === true;
      if (online && !this.hostOnline) {
        this.hostOnline = true;
        this.o.logger.info({ host: t.hostId }, "primary host online: sending the buffer");
        if (this.connected) this.rebirth();
      } else if (!online && this.hostOnline) {
        this.hostOnline = false;
        this.born = false;
        this.o.logger.warn({ host: t.hostId }, "primary host offline: buffering");
      }
      return;
    }
    if (t?.kind === "edge" && t.type === "NCMD") {
      const p = decodePayload(payload);
      if (p.metrics.some((m) => m.name === REBIRTH_METRIC && m.value === true)) {
        this.o.logger.info("rebirth requested by a host");
        if (this.connected && this.hostOnline) this.rebirth();
      }
      return;
    }
    if (topic.startsWith("weft/receipt/")) {
      let keys: number[] = [];
      try {
        keys = (JSON.parse(payload.toString()) as { stored: number[] }).stored ?? [];
      } catch {
        return;
      }
      for (const local of this.book.confirm(keys)) this.done.add(local);
      this.ackContiguous();
      this.pump();
    }
  }

  /** Births, then everything not yet confirmed is sent again (it may have met unknown aliases). */
  private rebirth(): void {
    const c = this.client as MqttClient;
    for (const m of this.edge.birth()) c.publish(m.topic, Buffer.from(m.payload), { qos: 1 });
    this.born = true;
    this.onlineSince = Date.now();
    this.resendAll();
    this.pump();
  }

  private resendAll(): void {
    this.book.clear();
    this.sizes.clear();
    this.inFlightReadings = 0;
    this.nextAfter = this.lastAcked;
  }

  /** Send journal batches while the window has room. */
  private pump(): void {
    if (this.pumping || this.stopped || !this.connected || !this.born || !this.hostOnline) return;
    const oldest = this.book.oldest();
    if (oldest !== null && Date.now() - oldest > this.o.receiptTimeoutMs) {
      this.o.logger.warn(
        { waiting: this.book.size },
        "no receipt from the brain in time; sending the unconfirmed batches again",
      );
      this.resendAll();
    }
    this.pumping = true;
    try {
      const { journal } = this.o;
      const window = this.o.windowReadings ?? 200_000;
      while (this.inFlightReadings < window) {
        const recs = journal.records(this.nextAfter, window - this.inFlightReadings, STEP_BATCHES);
        if (recs.length === 0) break;
        for (const r of recs) {
          this.nextAfter = r.seq;
          if (this.done.has(r.seq) || journal.isDelivered(r.seq)) continue;
          if (r.count === 0) {
            this.done.add(r.seq);
            continue;
          }
          this.send(r.seq, readingsOf(r), r.firstTs);
        }
      }
      this.ackContiguous();
    } finally {
      this.pumping = false;
    }
  }

  private send(local: number, readings: BatchReading[], firstTs: number): void {
    const c = this.client as MqttClient;
    const wire = this.o.journal.wireSeq(local);
    const historical = firstTs > 0 && firstTs < this.onlineSince - 5000;
    const msgs = this.edge.data(wire, readings, historical);
    const keys: number[] = [];
    for (const m of msgs) {
      if (m.key !== null) keys.push(m.key);
      this.bytes += m.payload.length;
      c.publish(m.topic, Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.length), { qos: 1 });
    }
    this.book.sent(local, wire, keys, Date.now());
    this.sizes.set(local, readings.length);
    this.inFlightReadings += readings.length;
    this.s.uploads += msgs.length;
    this.s.sentBatches++;
    this.s.sentReadings += readings.length;
    this.s.lastUploadAt = Date.now();
    if (this.o.unsBase) this.publishUns(readings);
  }

  /** Plain JSON for tools without Sparkplug: the latest value per machine and signal/point. */
  private publishUns(readings: readonly BatchReading[]): void {
    const latest = new Map<string, BatchReading>();
    for (const r of readings) latest.set(`${this.o.unsBase}/${r.machine}/${r.signal ?? r.point}`, r);
    for (const [topic, r] of latest)
      (this.client as MqttClient).publish(
        topic,
        JSON.stringify({ value: r.value, ts: r.ts, quality: r.quality, point: r.point }),
        { qos: 0 },
      );
  }

  private ackContiguous(): void {
    const { journal } = this.o;
    for (;;) {
      const next = journal.nextPendingSeq(this.lastAcked);
      if (next === null || !(this.done.has(next) || journal.isDelivered(next))) return;
      this.done.delete(next);
      this.drain.add(journal.ack(next));
      this.inFlightReadings = Math.max(0, this.inFlightReadings - (this.sizes.get(next) ?? 0));
      this.sizes.delete(next);
      this.lastAcked = next;
    }
  }

  private fail(code: string, message: string): void {
    this.s.failures++;
    this.lastError = { code, message, at: Date.now() };
  }

  status(): UplinkStatus {
    return {
      connected: this.connected && this.hostOnline,
      state: this.connected && this.hostOnline ? "sending" : "waiting",
      uploads: this.s.uploads,
      sentBatches: this.s.sentBatches,
      sentReadings: this.s.sentReadings,
      duplicates: 0,
      rejectedReadings: 0,
      deadLetters: 0,
      renumberings: 0,
      failures: this.s.failures,
      consecutiveFailures: this.connected ? 0 : 1,
      lastUploadAt: this.s.lastUploadAt,
      lastLagMs: null,
      drainPerSecond: this.drain.perSecond(),
      lastError: this.lastError,
      compression: "none",
      bytesOnWire: this.bytes,
      bytesRaw: this.bytes,
    };
  }

  /** Keep sending until the journal is confirmed or `deadlineMs` passes, then disconnect cleanly (NDEATH). */
  async stop(deadlineMs = 0): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until && this.o.journal.nextPendingSeq(this.lastAcked) !== null && this.connected) {
      this.pump();
      await new Promise((r) => setTimeout(r, 20));
    }
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const c = this.client;
    if (!c) return;
    if (this.connected) {
      const d = this.edge.death();
      await c.publishAsync(d.topic, Buffer.from(d.payload), { qos: 1 }).catch(() => undefined);
    }
    await c.endAsync();
  }
}
