import Long from "long";
import { DataType, SIGNED_INT } from "./datatypes.ts";
import { PayloadType } from "./internal/schema.ts";

/** A metric's value: null when `is_null`; 64-bit integers beyond 2^53 as bigint. */
export type MetricValue = number | bigint | string | boolean | Uint8Array | null;

/** A property value (units, engineering limits, Weft's signal role and quality, …). */
export interface PropertyValue {
  type: number;
  value: number | bigint | string | boolean | null;
}

/** One metric of a payload, in Sparkplug's terms; `name` on BIRTH, `alias` afterwards. */
export interface Metric {
  name?: string;
  alias?: number;
  /** Epoch ms of the value's acquisition. */
  timestamp?: number;
  datatype?: number;
  isHistorical?: boolean;
  isTransient?: boolean;
  properties?: Record<string, PropertyValue>;
  /** Undefined: no value field at all (allowed, e.g. a BIRTH of a metric not read yet). */
  value?: MetricValue;
}

export interface Payload {
  /** Epoch ms when the message was sent. */
  timestamp?: number;
  /** 0–255; absent on STATE-like payloads and on NDEATH. */
  seq?: number;
  uuid?: string;
  body?: Uint8Array;
  metrics: Metric[];
}

type Wire = Record<string, unknown>;

/**
 * Encode a Sparkplug B payload. The value field follows `datatype` when it is given (so an Int32
 * goes in `int_value`, an Int64 in `long_value`), else the JavaScript type: number → double,
 * bigint → UInt64/Int64, string, boolean, bytes.
 * @example encodePayload({ timestamp: Date.now(), seq: 0, metrics: [{ alias: 3, value: 21.5 }] })
 */
export function encodePayload(p: Payload): Uint8Array {
  const metrics: Wire[] = new Array(p.metrics.length);
  for (let i = 0; i < p.metrics.length; i++) metrics[i] = wireMetric(p.metrics[i] as Metric);
  const w: Wire = { metrics };
  if (p.timestamp !== undefined) w.timestamp = p.timestamp;
  if (p.seq !== undefined) w.seq = p.seq;
  if (p.uuid !== undefined) w.uuid = p.uuid;
  if (p.body !== undefined) w.body = p.body;
  return PayloadType.encode(w).finish();
}

function wireMetric(m: Metric): Wire {
  const w: Wire = {};
  if (m.name !== undefined) w.name = m.name;
  if (m.alias !== undefined) w.alias = m.alias;
  if (m.timestamp !== undefined) w.timestamp = m.timestamp;
  if (m.datatype !== undefined) w.datatype = m.datatype;
  if (m.isHistorical) w.is_historical = true;
  if (m.isTransient) w.is_transient = true;
  if (m.properties) w.properties = wireProperties(m.properties);
  if (m.value === null) w.is_null = true;
  else if (m.value !== undefined) setValue(w, m.value, m.datatype);
  return w;
}

function wireProperties(props: Record<string, PropertyValue>): Wire {
  const keys = Object.keys(props);
  const values = keys.map((k) => {
    const pv = props[k] as PropertyValue;
    const w: Wire = { type: pv.type };
    if (pv.value === null) w.is_null = true;
    else setValue(w, pv.value, pv.type);
    return w;
  });
  return { keys, values };
}

/** Put a value in the oneof field its datatype (or, without one, its JS type) calls for. */
function setValue(w: Wire, v: Exclude<MetricValue, null>, datatype: number | undefined): void {
  switch (datatype) {
    case DataType.Int8:
    case DataType.Int16:
    case DataType.Int32:
    case DataType.UInt8:
    case DataType.UInt16:
    case DataType.UInt32:
      w.int_value = Number(v) >>> 0;
      return;
    case DataType.Int64:
    case DataType.UInt64:
    case DataType.DateTime:
      w.long_value = toLong(v as number | bigint);
      return;
    case DataType.Float:
      w.float_value = Number(v);
      return;
    case DataType.Double:
      w.double_value = Number(v);
      return;
    case DataType.Boolean:
      w.boolean_value = Boolean(v);
      return;
    case DataType.String:
    case DataType.Text:
    case DataType.UUID:
      w.string_value = String(v);
      return;
  }
  if (typeof v === "number") w.double_value = v;
  else if (typeof v === "string") w.string_value = v;
  else if (typeof v === "boolean") w.boolean_value = v;
  else if (typeof v === "bigint") w.long_value = toLong(v);
  else w.bytes_value = v;
}

/** Two's complement in 64 bits: negative Int64 values travel in the unsigned field. */
function toLong(v: number | bigint): Long | number {
  if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) return v;
  const b = BigInt.asUintN(64, BigInt(v));
  return Long.fromString(b.toString(), true);
}

/**
 * Decode a Sparkplug B payload. Integers come back as numbers (bigint past 2^53); a signed
 * integer datatype named in the metric itself is read as signed, otherwise use
 * {@link signedValue} with the datatype from the BIRTH's alias table.
 */
export function decodePayload(bytes: Uint8Array): Payload {
  const m = PayloadType.decode(bytes) as unknown as Wire;
  const wm = (m.metrics as Wire[] | undefined) ?? [];
  const metrics: Metric[] = new Array(wm.length);
  for (let i = 0; i < wm.length; i++) metrics[i] = readMetric(wm[i] as Wire);
  const p: Payload = { metrics };
  if (has(m, "timestamp")) p.timestamp = toNumber(m.timestamp);
  if (has(m, "seq")) p.seq = toNumber(m.seq);
  if (has(m, "uuid")) p.uuid = m.uuid as string;
  if (has(m, "body") && (m.body as Uint8Array).length > 0) p.body = m.body as Uint8Array;
  return p;
}

function readMetric(w: Wire): Metric {
  const m: Metric = {};
  if (has(w, "name")) m.name = w.name as string;
  if (has(w, "alias")) m.alias = toNumber(w.alias);
  if (has(w, "timestamp")) m.timestamp = toNumber(w.timestamp);
  if (has(w, "datatype")) m.datatype = w.datatype as number;
  if (has(w, "is_historical") && w.is_historical) m.isHistorical = true;
  if (has(w, "is_transient") && w.is_transient) m.isTransient = true;
  if (has(w, "properties")) m.properties = readProperties(w.properties as Wire);
  if (has(w, "is_null") && w.is_null) m.value = null;
  else {
    const v = readValue(w);
    if (v !== undefined) m.value = m.datatype !== undefined ? signedValue(v, m.datatype) : v;
  }
  return m;
}

function readProperties(ps: Wire): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  const keys = (ps.keys as string[] | undefined) ?? [];
  const values = (ps.values as Wire[] | undefined) ?? [];
  keys.forEach((k, i) => {
    const w = values[i] ?? {};
    const type = (w.type as number | undefined) ?? DataType.Unknown;
    const v = has(w, "is_null") && w.is_null ? null : readValue(w);
    out[k] = {
      type,
      value:
        v === undefined || v instanceof Uint8Array ? null : (signedValue(v, type) as PropertyValue["value"]),
    };
  });
  return out;
}

function readValue(w: Wire): Exclude<MetricValue, null> | undefined {
  if (has(w, "double_value")) return w.double_value as number;
  if (has(w, "int_value")) return w.int_value as number;
  if (has(w, "long_value")) return toInteger(w.long_value);
  if (has(w, "float_value")) return w.float_value as number;
  if (has(w, "boolean_value")) return w.boolean_value as boolean;
  if (has(w, "string_value")) return w.string_value as string;
  if (has(w, "bytes_value")) return w.bytes_value as Uint8Array;
  return undefined;
}

/** Read an unsigned wire integer as the signed type the datatype names (two's complement). */
export function signedValue<V extends MetricValue>(v: V, datatype: number): V | number | bigint {
  if (!SIGNED_INT.has(datatype) || (typeof v !== "number" && typeof v !== "bigint")) return v;
  const bits =
    datatype === DataType.Int8 ? 8 : datatype === DataType.Int16 ? 16 : datatype === DataType.Int32 ? 32 : 64;
  const s = BigInt.asIntN(bits, BigInt(v));
  return s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
}

/** A decoded uint64 header field (alias, timestamp, seq): these stay far below 2^53. */
function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  const l = v as Long;
  return (l.high >>> 0) * 0x100000000 + (l.low >>> 0);
}

/** A decoded uint64 value: a number when exact, else a bigint. */
function toInteger(v: unknown): number | bigint {
  if (typeof v === "number") return v;
  const l = v as Long;
  if (l.high >>> 0 < 0x200000) return (l.high >>> 0) * 0x100000000 + (l.low >>> 0);
  return BigInt(l.toUnsigned().toString());
}

/** Set on the wire (protobufjs keeps proto2 defaults on the prototype, set fields as own). */
function has(w: Wire, k: string): boolean {
  return Object.hasOwn(w, k) && w[k] != null;
}
