import type { ReadingValue } from "@weft/core";
import { DataType, type Variant, VariantArrayType } from "node-opcua";

/** Result of converting a Variant: the JSON-safe value and, when lossy, why. */
export interface ConvertedValue {
  value: ReadingValue;
  /** Set when the value could not be represented (e.g. NaN): the reading becomes uncertain. */
  problem?: string;
}

/**
 * Turn an OPC UA Variant into a JSON-safe value. Int64/UInt64 become exact decimal
 * strings, DateTime an ISO string, ByteString base64, structures plain JSON objects,
 * arrays and matrices (nested) arrays. NaN/±Infinity become null with a `problem`.
 * @example variantToValue(new Variant({ dataType: DataType.UInt64, value: [1, 0] })).value // "4294967296"
 */
export function variantToValue(
  variant: Pick<Variant, "dataType" | "arrayType" | "value" | "dimensions">,
): ConvertedValue {
  const problems: string[] = [];
  const one = (v: unknown) => scalarToValue(variant.dataType, v, problems);
  let value: ReadingValue;
  if (variant.arrayType === VariantArrayType.Scalar) value = one(variant.value);
  else {
    const flat = variant.value == null ? [] : Array.from(variant.value as ArrayLike<unknown>, one);
    value =
      variant.arrayType === VariantArrayType.Matrix && variant.dimensions
        ? reshape(flat, variant.dimensions)
        : flat;
  }
  return problems.length ? { value, problem: problems[0] } : { value };
}

function scalarToValue(dataType: DataType, v: unknown, problems: string[]): ReadingValue {
  if (v === null || v === undefined) return null;
  switch (dataType) {
    case DataType.Null:
      return null;
    case DataType.Boolean:
      return Boolean(v);
    case DataType.SByte:
    case DataType.Byte:
    case DataType.Int16:
    case DataType.UInt16:
    case DataType.Int32:
    case DataType.UInt32:
    case DataType.Float:
    case DataType.Double:
      return finite(Number(v), problems);
    case DataType.Int64:
      return int64ToString(v, true);
    case DataType.UInt64:
      return int64ToString(v, false);
    case DataType.String:
    case DataType.XmlElement:
      return String(v).slice(0, 4096);
    case DataType.DateTime:
      return v instanceof Date ? (Number.isNaN(v.getTime()) ? null : v.toISOString()) : String(v);
    case DataType.ByteString:
      return Buffer.isBuffer(v) ? v.toString("base64") : null;
    case DataType.LocalizedText:
      return (v as { text?: string | null }).text ?? null;
    case DataType.StatusCode:
      return (v as { name?: string }).name ?? String(v);
    case DataType.QualifiedName: {
      const q = v as { namespaceIndex?: number; name?: string | null };
      return q.namespaceIndex ? `${q.namespaceIndex}:${q.name ?? ""}` : (q.name ?? null);
    }
    default:
      return toJsonValue(v, problems, 0);
  }
}

function finite(n: number, problems: string[]): ReadingValue {
  if (Number.isFinite(n)) return n;
  problems.push(`non-finite value ${n}`);
  return null;
}

/** node-opcua carries 64-bit integers as [high, low] UInt32 pairs. */
export function int64ToString(v: unknown, signed: boolean): string {
  let big: bigint;
  if (Array.isArray(v)) big = (BigInt(v[0] >>> 0) << 32n) | BigInt(v[1] >>> 0);
  else if (typeof v === "bigint") big = v;
  else big = BigInt(Math.trunc(Number(v)));
  return (signed ? BigInt.asIntN(64, big) : BigInt.asUintN(64, big)).toString();
}

/** Decimal string/number/bigint → node-opcua's [high, low] pair (for writes). */
export function toInt64Pair(v: string | number | bigint, signed: boolean): [number, number] {
  const big = typeof v === "bigint" ? v : BigInt(typeof v === "number" ? Math.trunc(v) : v.trim());
  const min = signed ? -(1n << 63n) : 0n;
  const max = signed ? (1n << 63n) - 1n : (1n << 64n) - 1n;
  if (big < min || big > max) throw new RangeError(`${v} is out of range for ${signed ? "Int64" : "UInt64"}`);
  const u = BigInt.asUintN(64, big);
  return [Number(u >> 32n), Number(u & 0xffffffffn)];
}

function reshape(flat: ReadingValue[], dims: readonly number[]): ReadingValue[] {
  if (dims.length <= 1) return flat;
  const [, ...rest] = dims;
  const size = rest.reduce((a, b) => a * b, 1);
  const out: ReadingValue[] = [];
  for (let i = 0; i < flat.length; i += size) out.push(reshape(flat.slice(i, i + size), rest));
  return out;
}

/** Structures (ExtensionObjects) and anything else: plain JSON via toJSON where present. */
function toJsonValue(v: unknown, problems: string[], depth: number): ReadingValue {
  if (depth > 16) return null;
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return finite(v, problems);
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Buffer.isBuffer(v)) return v.toString("base64");
  if (ArrayBuffer.isView(v))
    return Array.from(v as unknown as ArrayLike<number>, (n) => finite(Number(n), problems));
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, problems, depth + 1));
  if (typeof v === "object") {
    const o = v as { toJSON?: () => unknown; constructor?: { name?: string } };
    const nodeIdLike = o as { identifierType?: unknown; namespace?: unknown; toString(): string };
    if (nodeIdLike.identifierType !== undefined && nodeIdLike.namespace !== undefined)
      return nodeIdLike.toString();
    const plain = typeof o.toJSON === "function" && depth === 0 ? o.toJSON() : v;
    if (plain !== v) return toJsonValue(plain, problems, depth + 1);
    const out: Record<string, ReadingValue> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k.startsWith("_") || typeof x === "function" || k === "schema") continue;
      out[k] = toJsonValue(x, problems, depth + 1);
    }
    return out;
  }
  return null;
}

const INT_RANGES: Partial<Record<DataType, [number, number]>> = {
  [DataType.SByte]: [-128, 127],
  [DataType.Byte]: [0, 255],
  [DataType.Int16]: [-32768, 32767],
  [DataType.UInt16]: [0, 65535],
  [DataType.Int32]: [-2147483648, 2147483647],
  [DataType.UInt32]: [0, 4294967295],
};

/**
 * Encode a JSON value for a write to a variable of built-in type `dataType`.
 * Throws a RangeError/TypeError saying what is wrong (the connector names the point).
 * @example valueToVariant("18446744073709551615", DataType.UInt64, false) // { dataType: UInt64, value: [4294967295, 4294967295] }
 */
export function valueToVariant(
  value: ReadingValue,
  dataType: DataType,
  isArray: boolean,
): { dataType: DataType; arrayType: VariantArrayType; value: unknown } {
  if (isArray) {
    if (!Array.isArray(value)) throw new TypeError(`expected an array of ${DataType[dataType]}`);
    return {
      dataType,
      arrayType: VariantArrayType.Array,
      value: value.map((v) => scalarForWrite(v, dataType)),
    };
  }
  return { dataType, arrayType: VariantArrayType.Scalar, value: scalarForWrite(value, dataType) };
}

function scalarForWrite(v: ReadingValue, dataType: DataType): unknown {
  const name = DataType[dataType];
  const range = INT_RANGES[dataType];
  if (range) {
    const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n))
      throw new TypeError(`expected an integer for ${name}, got ${JSON.stringify(v)}`);
    if (n < range[0] || n > range[1])
      throw new RangeError(`${n} is out of range for ${name} (${range[0]}..${range[1]})`);
    return n;
  }
  switch (dataType) {
    case DataType.Boolean:
      if (typeof v !== "boolean")
        throw new TypeError(`expected true or false for Boolean, got ${JSON.stringify(v)}`);
      return v;
    case DataType.Float:
    case DataType.Double:
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new TypeError(`expected a finite number for ${name}`);
      return v;
    case DataType.Int64:
    case DataType.UInt64:
      if (typeof v !== "number" && typeof v !== "string")
        throw new TypeError(`expected a decimal string for ${name}`);
      return toInt64Pair(v, dataType === DataType.Int64);
    case DataType.String:
      if (typeof v !== "string") throw new TypeError("expected a string");
      return v;
    case DataType.LocalizedText:
      if (typeof v !== "string") throw new TypeError("expected a string");
      return { text: v };
    case DataType.DateTime: {
      const d = typeof v === "number" || typeof v === "string" ? new Date(v) : undefined;
      if (!d || Number.isNaN(d.getTime()))
        throw new TypeError("expected an ISO date string or epoch milliseconds");
      return d;
    }
    case DataType.ByteString:
      if (typeof v !== "string") throw new TypeError("expected base64 text");
      return Buffer.from(v, "base64");
    default:
      throw new TypeError(`writing ${name} values is not supported`);
  }
}
