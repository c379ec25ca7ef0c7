import { randomBytes } from "node:crypto";
import { isWeftError } from "@weft/core";
import { gateways } from "@weft/db/schema";
import {
  DataType,
  decodePayload,
  edgeTopic,
  encodePayload,
  encodeState,
  HostState,
  parseTopic,
  REBIRTH_METRIC,
  stateTopic,
} from "@weft/sparkplug";
import { eq } from "drizzle-orm";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import type { GatewayPrincipal } from "../auth/principal.ts";
import { type IngestDeps, ingestBatch } from "../ingest/service.ts";
import { type BrokerOptions, brokerClientOptions } from "./client.ts";
import { type NeuronMap, type NeuronSource, neuronDelivery, topicMatches } from "./neuron.ts";
import { type Delivery, PendingDeliveries } from "./pending.ts";

export interface MqttIngestOptions extends BrokerOptions {
  /** This brain's Sparkplug host id: STATE goes to spBv1.0/STATE/<hostId>. */
  hostId: string;
  /** Sparkplug groups to ingest (spBv1.0/<group>/#). */
  groups: string[];
  /**
   * Share DATA with other brains through MQTT 5 shared subscriptions ($share/<share>/…); each
   * message goes to one of them. Births and deaths still reach every brain (alias tables).
   */
  share?: string;
  neuron?: NeuronMap;
  /** Store once this many readings of a gateway are pending (default 20,000). */
  flushReadings?: number;
  /** …or this long after the first pending one (default 25 ms). */
  flushMs?: number;
}

export interface MqttIngestStatus {
  connected: boolean;
  messages: number;
  stored: number;
  duplicates: number;
  flushes: number;
  rebirthsRequested: number;
  unknownEdgeNodes: number;
  errors: number;
}

export interface RunningMqttIngest {
  status(): MqttIngestStatus;
  close(): Promise<void>;
}

interface Outbox {
  gatewayId: string;
  /** Where the receipt goes (Sparkplug edge nodes), or null (Neuron: it has no receipts). */
  receiptTopic: string | null;
  pending: PendingDeliveries;
  timer: NodeJS.Timeout | null;
  busy: Promise<void> | null;
}

/** Where a gateway hears which of its deliveries the brain stored. */
export function receiptTopic(group: string, edgeNode: string): string {
  return `weft/receipt/${group}/${edgeNode}`;
}

/**
 * The brain's MQTT ingest: a Sparkplug B primary host application (STATE birth/death, alias
 * tables, rebirth requests) plus Neuron uploads, writing through the same `ingestBatch` as
 * `ingest.push`. An edge node id is a registered gateway's id, and the gateway's enterprise walls
 * what it may write; the topic alone grants nothing. Each gateway's deliveries are merged into
 * one multi-part batch per flush (parts keyed by delivery key, so a redelivery is stored once),
 * then a receipt tells the gateway which keys the brain now holds.
 */
export async function startMqttIngest(deps: IngestDeps, o: MqttIngestOptions): Promise<RunningMqttIngest> {
  const log = deps.logger?.child({ mqtt: o.url, hostId: o.hostId });
  const host = new HostState();
  const outboxes = new Map<string, Outbox>();
  const principals = new Map<string, { at: number; p: GatewayPrincipal | null }>();
  const lastRebirth = new Map<string, number>();
  const warned = new Set<string>();
  const flushReadings = o.flushReadings ?? 20_000;
  const flushMs = o.flushMs ?? 25;
  const s: MqttIngestStatus = {
    connected: false,
    messages: 0,
    stored: 0,
    duplicates: 0,
    flushes: 0,
    rebirthsRequested: 0,
    unknownEdgeNodes: 0,
    errors: 0,
  };
  const session = Date.now();
  const offline = encodeState({ online: false, timestamp: session });
  const opts: IClientOptions = {
    ...brokerClientOptions(o),
    clientId: `${o.hostId}-${randomBytes(4).toString("hex")}`,
    clean: true,
    will: { topic: stateTopic(o.hostId), payload: Buffer.from(offline), qos: 1, retain: true },
  };
  const client: MqttClient = mqtt.connect(o.url, opts);
  let closing = false;

  const share = (t: string) => (o.share ? `$share/${o.share}/${t}` : t);
  const subscriptions: string[] = [stateTopic(o.hostId)];
  for (const g of o.groups) {
    subscriptions.push(
      `spBv1.0/${g}/NBIRTH/+`,
      `spBv1.0/${g}/NDEATH/+`,
      `spBv1.0/${g}/DBIRTH/+/+`,
      `spBv1.0/${g}/DDEATH/+/+`,
    );
    subscriptions.push(share(`spBv1.0/${g}/NDATA/+`), share(`spBv1.0/${g}/DDATA/+/+`));
  }
  for (const src of o.neuron?.sources ?? []) subscriptions.push(share(src.topic));

  const publishOnline = () =>
    client.publish(stateTopic(o.hostId), encodeState({ online: true, timestamp: Date.now() }), {
      qos: 1,
      retain: true,
    });

  client.on("connect", () => {
    s.connected = true;
    // Spec order: subscribe first, then say online, so no birth sent in reply is missed.
    client.subscribe(subscriptions, { qos: 1 }, (err) => {
      if (err) log?.error({ err: String(err) }, "MQTT subscribe failed");
      else publishOnline();
    });
    log?.info({ subscriptions }, "MQTT ingest connected");
  });
  client.on("close", () => {
    if (s.connected && !closing) log?.warn("MQTT ingest disconnected; reconnecting");
    s.connected = false;
  });
  client.on("error", (err) => log?.warn({ err: String(err) }, "MQTT error"));

  client.on("message", (topic, payload) => {
    s.messages++;
    try {
      onMessage(topic, payload);
    } catch (err) {
      s.errors++;
      log?.warn({ topic, err: String(err) }, "MQTT message not readable; skipped");
    }
  });

  function onMessage(topic: string, payload: Buffer): void {
    const t = parseTopic(topic);
    if (t?.kind === "state") {
      // Another brain sharing this host id died and its will said offline: we are still here.
      if (!closing && t.hostId === o.hostId && payload.toString().includes('"online":false')) publishOnline();
      return;
    }
    if (t?.kind === "edge") {
      const events = host.handle(t.type, t.edgeNode, t.device, decodePayload(payload), !o.share);
      for (const e of events) {
        if (e.kind === "rebirth") requestRebirth(t.group, t.edgeNode, e.reason);
        else if (e.kind === "data" && e.readings.length > 0)
          enqueue(t.edgeNode, receiptTopic(t.group, t.edgeNode), { key: e.key, readings: e.readings });
      }
      return;
    }
    const src = o.neuron?.sources.find((x: NeuronSource) => topicMatches(x.topic, topic));
    if (!src) return;
    const d = neuronDelivery(src, payload.toString());
    if (d) enqueue(src.gateway, null, d);
    else
      warnOnce(
        `neuron-unmapped:${topic}`,
        { topic },
        "Neuron upload from a node/group the mapping file does not name; skipped",
      );
  }

  function requestRebirth(group: string, edgeNode: string, reason: string): void {
    const now = Date.now();
    if (now - (lastRebirth.get(edgeNode) ?? 0) < 2000) return;
    lastRebirth.set(edgeNode, now);
    s.rebirthsRequested++;
    log?.info({ edgeNode, reason }, "asking the edge node for a rebirth");
    const payload = encodePayload({
      timestamp: now,
      metrics: [{ name: REBIRTH_METRIC, datatype: DataType.Boolean, value: true }],
    });
    client.publish(edgeTopic(group, "NCMD", edgeNode), Buffer.from(payload), { qos: 0 });
  }

  function enqueue(gatewayId: string, receipt: string | null, d: Delivery): void {
    let box = outboxes.get(gatewayId);
    if (!box) {
      box = { gatewayId, receiptTopic: receipt, pending: new PendingDeliveries(), timer: null, busy: null };
      outboxes.set(gatewayId, box);
    }
    if (!box.pending.add(d)) s.duplicates++;
    if (box.pending.readings >= flushReadings) schedule(box, 0);
    else if (!box.timer) schedule(box, flushMs);
  }

  function schedule(box: Outbox, ms: number): void {
    if (box.timer) clearTimeout(box.timer);
    box.timer = setTimeout(() => {
      box.timer = null;
      if (box.busy) return; // the running flush looks again when it ends
      box.busy = flush(box).finally(() => {
        box.busy = null;
        if (box.pending.size > 0) schedule(box, box.pending.readings >= flushReadings ? 0 : flushMs);
      });
    }, ms);
  }

  async function flush(box: Outbox): Promise<void> {
    const taken = box.pending.take(box.gatewayId);
    if (!taken) return;
    const gw = await principal(box.gatewayId);
    if (!gw) return;
    try {
      const res = await ingestBatch(deps, gw, taken.batch);
      s.flushes++;
      s.stored += res.duplicate ? 0 : taken.batch.readings.length - res.rejected.length;
      s.duplicates += res.duplicate ? taken.keys.length : res.duplicateParts.length;
      receipt(box, taken.keys);
    } catch (err) {
      if (isWeftError(err, "SEQ_CONFLICT")) return storeOneByOne(box, gw, taken.batch);
      s.errors++;
      log?.error(
        { gateway: box.gatewayId, err: String(err) },
        "MQTT ingest could not store a flush; the edge node resends it",
      );
    }
  }

  /** A merged flush met a key stored with other readings: store the others, refuse that one. */
  async function storeOneByOne(box: Outbox, gw: GatewayPrincipal, batch: import("@weft/core").ReadingBatch) {
    let at = 0;
    for (const part of batch.parts ?? []) {
      const readings = batch.readings.slice(at, at + part.count);
      at += part.count;
      try {
        const res = await ingestBatch(deps, gw, { gatewayId: gw.id, seq: part.seq, readings });
        if (!res.duplicate) s.stored += readings.length - res.rejected.length;
        receipt(box, [part.seq]);
      } catch (err) {
        s.errors++;
        log?.error({ gateway: gw.id, key: part.seq, err: String(err) }, "delivery refused");
      }
    }
  }

  function receipt(box: Outbox, keys: number[]): void {
    if (box.receiptTopic) client.publish(box.receiptTopic, JSON.stringify({ stored: keys }), { qos: 1 });
  }

  async function principal(id: string): Promise<GatewayPrincipal | null> {
    const hit = principals.get(id);
    if (hit && Date.now() - hit.at < 30_000) return hit.p;
    const rows = await deps.handle.db
      .select({
        id: gateways.id,
        enterpriseId: gateways.enterpriseId,
        name: gateways.name,
        revokedAt: gateways.revokedAt,
      })
      .from(gateways)
      .where(eq(gateways.id, id))
      .limit(1);
    const r = rows[0];
    const p = r && r.revokedAt === null ? { id: r.id, enterpriseId: r.enterpriseId, name: r.name } : null;
    principals.set(id, { at: Date.now(), p });
    if (!p) {
      s.unknownEdgeNodes++;
      warnOnce(
        `unknown:${id}`,
        { edgeNode: id },
        "MQTT data from an edge node that is no registered (or a revoked) gateway; not stored",
      );
    }
    return p;
  }

  function warnOnce(key: string, obj: object, msg: string): void {
    if (warned.has(key)) return;
    warned.add(key);
    log?.warn(obj, msg);
  }

  return {
    status: () => ({ ...s }),
    close: async () => {
      closing = true;
      for (const box of outboxes.values()) if (box.timer) clearTimeout(box.timer);
      await Promise.all([...outboxes.values()].map((b) => b.busy ?? flush(b)));
      // A clean exit says offline itself (the will is for crashes).
      await client
        .publishAsync(stateTopic(o.hostId), offline, { qos: 1, retain: true })
        .catch(() => undefined);
      await client.endAsync();
    },
  };
}
