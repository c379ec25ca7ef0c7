import type { BatchReading } from "@weft/core";
import { DataType } from "./datatypes.ts";
import { encodePayload, type Metric } from "./payload.ts";
import {
  BATCH_METRIC,
  birthMetric,
  dataMetric,
  deliveryKey,
  identityOf,
  MAX_PARTS,
  type MetricIdentity,
} from "./readings.ts";
import { nextSeq } from "./seq.ts";
import { edgeTopic, type MessageType } from "./topic.ts";

export const REBIRTH_METRIC = "Node Control/Rebirth";
export const BDSEQ_METRIC = "bdSeq";

/** One MQTT publish an edge node makes. `keys` are the delivery keys a DATA message carries. */
export interface EdgeMessage {
  type: MessageType;
  topic: string;
  payload: Uint8Array;
  device: string | null;
  readings: number;
  key: number | null;
}

interface DeviceMetric {
  alias: number;
  id: MetricIdentity;
  sample: BatchReading["value"] | undefined;
}

interface Device {
  metrics: Map<string, DeviceMetric>;
  batchAlias: number;
  born: boolean;
}

/**
 * The pure part of a Sparkplug edge node: aliases, the 0–255 seq, bdSeq, and how Weft readings
 * become NBIRTH/DBIRTH/DDATA payloads. Each machine is a Sparkplug device; a gateway batch becomes
 * one DDATA per machine (many metrics each, one per reading), each carrying its delivery key in
 * the `Weft/Batch` metric. A metric not seen before triggers a DBIRTH of its device first.
 */
export class EdgeNode {
  private seq = 0;
  private nextAlias = 2;
  private readonly devices = new Map<string, Device>();
  private online = false;

  constructor(
    readonly group: string,
    readonly edgeNode: string,
    /** Birth/death sequence of the current MQTT session (0–255). */
    public bdSeq = 0,
  ) {}

  /** The NDEATH to register as the MQTT will before connecting (spec: bdSeq matches the NBIRTH). */
  death(): EdgeMessage {
    const payload = encodePayload({
      timestamp: Date.now(),
      metrics: [{ name: BDSEQ_METRIC, datatype: DataType.Int64, value: this.bdSeq }],
    });
    return this.msg("NDEATH", null, payload, 0, null);
  }

  /** NBIRTH (seq 0) and a DBIRTH per known machine: a new session, or the answer to a rebirth. */
  birth(now = Date.now()): EdgeMessage[] {
    this.seq = 0;
    this.online = true;
    const nbirth = encodePayload({
      timestamp: now,
      seq: 0,
      metrics: [
        { name: BDSEQ_METRIC, datatype: DataType.Int64, value: this.bdSeq },
        { name: REBIRTH_METRIC, alias: 1, datatype: DataType.Boolean, value: false },
      ],
    });
    const out = [this.msg("NBIRTH", null, nbirth, 0, null)];
    for (const [machine, d] of this.devices) out.push(this.dbirth(machine, d, now));
    return out;
  }

  /** The session ended: the next publish must be a birth, with the next bdSeq. */
  disconnected(): void {
    if (this.online) this.bdSeq = (this.bdSeq + 1) & 0xff;
    this.online = false;
  }

  /**
   * DDATA messages for one gateway batch (in machine order of first appearance), each preceded
   * by a DBIRTH when the machine has metrics its last birth did not declare.
   */
  data(
    batchSeq: number,
    readings: readonly BatchReading[],
    historical: boolean,
    now = Date.now(),
  ): EdgeMessage[] {
    const byMachine = new Map<string, { reading: BatchReading; key: string; id: MetricIdentity }[]>();
    for (const r of readings) {
      let list = byMachine.get(r.machine);
      if (!list) {
        list = [];
        byMachine.set(r.machine, list);
      }
      const { id, key } = identityOf(r);
      list.push({ reading: r, key, id });
    }
    if (byMachine.size > MAX_PARTS)
      throw new RangeError(`a batch spans ${byMachine.size} machines (at most ${MAX_PARTS})`);
    const out: EdgeMessage[] = [];
    let part = 0;
    for (const [machine, list] of byMachine) {
      const d = this.device(machine);
      let fresh = !d.born;
      for (const { reading, key, id } of list)
        if (!d.metrics.has(key)) {
          d.metrics.set(key, { alias: this.nextAlias++, id, sample: reading.value });
          fresh = true;
        }
      if (fresh) out.push(this.dbirth(machine, d, now));
      const key = deliveryKey(batchSeq, part++);
      const metrics: Metric[] = new Array(list.length + 1);
      metrics[0] = { alias: d.batchAlias, datatype: DataType.UInt64, value: key, timestamp: now };
      for (let i = 0; i < list.length; i++) {
        const it = list[i] as (typeof list)[number];
        metrics[i + 1] = dataMetric(it.reading, (d.metrics.get(it.key) as DeviceMetric).alias, historical);
      }
      const payload = encodePayload({ timestamp: now, seq: this.takeSeq(), metrics });
      out.push(this.msg("DDATA", machine, payload, list.length, key));
    }
    return out;
  }

  private device(machine: string): Device {
    let d = this.devices.get(machine);
    if (!d) {
      d = { metrics: new Map(), batchAlias: this.nextAlias++, born: false };
      this.devices.set(machine, d);
    }
    return d;
  }

  private dbirth(machine: string, d: Device, now: number): EdgeMessage {
    d.born = true;
    const metrics: Metric[] = [
      { name: BATCH_METRIC, alias: d.batchAlias, datatype: DataType.UInt64, value: 0 },
    ];
    for (const m of d.metrics.values()) metrics.push(birthMetric(m.id, m.alias, m.sample));
    const payload = encodePayload({ timestamp: now, seq: this.takeSeq(), metrics });
    return this.msg("DBIRTH", machine, payload, 0, null);
  }

  private takeSeq(): number {
    this.seq = nextSeq(this.seq);
    return this.seq;
  }

  private msg(
    type: MessageType,
    device: string | null,
    payload: Uint8Array,
    readings: number,
    key: number | null,
  ): EdgeMessage {
    return {
      type,
      topic: edgeTopic(this.group, type, this.edgeNode, device),
      payload,
      device,
      readings,
      key,
    };
  }
}
