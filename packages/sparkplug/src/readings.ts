import type { BatchReading, Quality, ReadingValue } from "@weft/core";
import { DataType } from "./datatypes.ts";
import type { Metric, MetricValue, PropertyValue } from "./payload.ts";

/** Metric carrying a DATA message's delivery key (see {@link deliveryKey}). */
export const BATCH_METRIC = "Weft/Batch";
/** Property names Weft uses on metrics. */
export const PROP = {
  signal: "weft:signal",
  status: "weft:status",
  json: "weft:json",
  /** Ignition's convention: OPC DA quality code (192 good, 64 uncertain, 0 bad). */
  quality: "Quality",
  /** Prefix of reading fields beyond Weft's core ones (e.g. a counter's width), carried as JSON. */
  extra: "weft:x:",
} as const;

const CORE_FIELDS = new Set(["machine", "point", "ts", "value", "quality", "status", "signal"]);
const QUALITY_CODE: Record<Quality, number> = { good: 192, uncertain: 64, bad: 0 };

/** Parts of one gateway batch that can travel in separate DATA messages (one per machine). */
export const MAX_PARTS = 4096;

/**
 * The dedupe key of one DATA message: the gateway batch's seq and the message's part of it.
 * The brain stores each key once per gateway (ingested_batches), so a QoS 1 redelivery or a
 * replay after a crash writes nothing twice.
 */
export function deliveryKey(batchSeq: number, part: number): number {
  return batchSeq * MAX_PARTS + part;
}

/** Which batch and part a delivery key names. */
export function splitDeliveryKey(key: number): { batchSeq: number; part: number } {
  return { batchSeq: Math.floor(key / MAX_PARTS), part: key % MAX_PARTS };
}

/** What a BIRTH fixes about a metric, and so what an alias stands for. */
export interface MetricIdentity {
  point: string;
  signal?: string;
  /** Reading fields beyond Weft's core ones, fixed per metric (e.g. a counter's width). */
  extras?: Record<string, unknown>;
}

/** The identity of a reading's metric and the string that keys it in an alias table. */
export function identityOf(r: BatchReading): { id: MetricIdentity; key: string } {
  const id: MetricIdentity = { point: r.point };
  if (r.signal !== undefined) id.signal = r.signal;
  let extras: Record<string, unknown> | undefined;
  for (const k in r) {
    if (CORE_FIELDS.has(k)) continue;
    const v = (r as unknown as Record<string, unknown>)[k];
    if (v === undefined) continue;
    extras ??= {};
    extras[k] = v;
  }
  if (extras) id.extras = extras;
  const key = `${r.machine}\u0000${r.point}\u0000${r.signal ?? ""}${extras ? `\u0000${JSON.stringify(extras)}` : ""}`;
  return { id, key };
}

/** A BIRTH metric for an identity: name, alias, datatype and the properties that fix its meaning. */
export function birthMetric(id: MetricIdentity, alias: number, sample: ReadingValue | undefined): Metric {
  const properties: Record<string, PropertyValue> = {};
  if (id.signal) properties[PROP.signal] = { type: DataType.String, value: id.signal };
  for (const [k, v] of Object.entries(id.extras ?? {}))
    properties[PROP.extra + k] = { type: DataType.String, value: JSON.stringify(v) };
  const m: Metric = { name: id.point, alias, datatype: datatypeOf(sample) };
  if (Object.keys(properties).length) m.properties = properties;
  return m;
}

function datatypeOf(v: ReadingValue | undefined): number {
  if (typeof v === "number") return DataType.Double;
  if (typeof v === "boolean") return DataType.Boolean;
  return DataType.String;
}

/** A DATA metric for one reading (by alias; quality and status only when they say something). */
export function dataMetric(r: BatchReading, alias: number, historical: boolean): Metric {
  const m: Metric = { alias, timestamp: r.ts };
  const v = r.value;
  if (v !== null && typeof v === "object") {
    m.value = JSON.stringify(v);
    m.properties = { [PROP.json]: { type: DataType.Boolean, value: true } };
  } else m.value = v;
  if (r.quality !== "good" || r.status !== undefined) {
    m.properties ??= {};
    if (r.quality !== "good")
      m.properties[PROP.quality] = { type: DataType.Int32, value: QUALITY_CODE[r.quality] };
    if (r.status !== undefined) m.properties[PROP.status] = { type: DataType.String, value: r.status };
  }
  if (historical) m.isHistorical = true;
  return m;
}

/** The identity a BIRTH metric declares (name plus Weft's properties). */
export function identityFromBirth(m: Metric): MetricIdentity | null {
  if (!m.name) return null;
  const id: MetricIdentity = { point: m.name };
  for (const [k, p] of Object.entries(m.properties ?? {})) {
    if (k === PROP.signal && typeof p.value === "string") id.signal = p.value;
    else if (k.startsWith(PROP.extra) && typeof p.value === "string") {
      id.extras ??= {};
      try {
        id.extras[k.slice(PROP.extra.length)] = JSON.parse(p.value);
      } catch {
        id.extras[k.slice(PROP.extra.length)] = p.value;
      }
    }
  }
  return id;
}

/**
 * A DATA metric back into a Weft reading. Quality from Weft's or Ignition's `Quality` property
 * (OPC DA: ≥192 good, ≥64 uncertain, else bad); a value Weft cannot hold (bytes, NaN) is a bad reading.
 */
export function readingOf(machine: string, id: MetricIdentity, m: Metric, fallbackTs: number): BatchReading {
  const props = m.properties;
  let value: ReadingValue = toReadingValue(m.value);
  let quality: Quality = "good";
  let status: string | undefined;
  if (props) {
    const q = props[PROP.quality]?.value;
    if (typeof q === "number") quality = q >= 192 ? "good" : q >= 64 ? "uncertain" : "bad";
    const s = props[PROP.status]?.value;
    if (typeof s === "string") status = s;
    if (props[PROP.json]?.value === true && typeof value === "string")
      value = JSON.parse(value) as ReadingValue;
  }
  if (m.value instanceof Uint8Array || (typeof m.value === "number" && !Number.isFinite(m.value))) {
    value = null;
    quality = "bad";
    status ??= "sparkplug: value not representable";
  }
  const r = {
    ...(id.extras ?? {}),
    machine,
    point: id.point,
    ts: m.timestamp ?? fallbackTs,
    value,
    quality,
  } as BatchReading;
  if (status !== undefined) r.status = status;
  if (id.signal !== undefined) r.signal = id.signal as BatchReading["signal"];
  return r;
}

function toReadingValue(v: MetricValue | undefined): ReadingValue {
  if (v === undefined || v === null || v instanceof Uint8Array) return null;
  if (typeof v === "bigint") return v.toString();
  return v;
}
