import { WeftError } from "@weft/core";
import type { DataType, Order } from "./types.ts";
import { registerCount } from "./types.ts";

const view = new DataView(new ArrayBuffer(8));

const INT_RANGES: Partial<Record<DataType, [number, number]>> = {
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

/**
 * Encode a value into register words (as numbers 0..65535, wire order) for `type` and `order`.
 * Throws a `VALIDATION_FAILED` WeftError when the value does not fit the type.
 * @example encodeRegisters(10, "float32", "CDAB") // [0x0000, 0x4120]
 */
export function encodeRegisters(
  value: number | bigint | string,
  type: DataType,
  order: Order,
  length = 1,
): number[] {
  const words = registerCount(type, length);
  const bytes = new Uint8Array(words * 2);
  if (type === "string") {
    if (typeof value !== "string" || !/^[\x20-\x7e]*$/u.test(value))
      throw invalid(value, type, "printable ASCII");
    if (value.length > words * 2) throw invalid(value, type, `at most ${words * 2} characters`);
    for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i);
    return toWords(bytes, words, order, false);
  }
  writeBigEndian(value, type);
  for (let i = 0; i < words * 2; i++) bytes[i] = view.getUint8(i);
  return toWords(bytes, words, order, true);
}

function writeBigEndian(value: number | bigint | string, type: Exclude<DataType, "string">): void {
  if (type === "int64" || type === "uint64") {
    let big: bigint;
    try {
      big = BigInt(typeof value === "number" && !Number.isInteger(value) ? Number.NaN : value);
    } catch {
      throw invalid(value, type, "an integer");
    }
    const [min, max] = type === "int64" ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    if (big < min || big > max) throw invalid(value, type, `${min}..${max}`);
    if (type === "int64") view.setBigInt64(0, big);
    else view.setBigUint64(0, big);
    return;
  }
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) throw invalid(value, type, "a finite number");
  if (type === "float32") {
    view.setFloat32(0, n);
    return;
  }
  if (type === "float64") {
    view.setFloat64(0, n);
    return;
  }
  if (type === "bool") {
    view.setUint16(0, n ? 1 : 0);
    return;
  }
  const range = INT_RANGES[type];
  if (!range || !Number.isInteger(n) || n < range[0] || n > range[1]) {
    throw invalid(value, type, range ? `an integer in ${range[0]}..${range[1]}` : "an integer");
  }
  if (type === "int16") view.setInt16(0, n);
  else if (type === "uint16") view.setUint16(0, n);
  else if (type === "int32") view.setInt32(0, n);
  else view.setUint32(0, n);
}

function toWords(bytes: Uint8Array, words: number, order: Order, applyWordSwap: boolean): number[] {
  const byteSwap = order === "BADC" || order === "DCBA";
  const wordSwap = applyWordSwap && (order === "CDAB" || order === "DCBA");
  const out: number[] = new Array(words);
  for (let i = 0; i < words; i++) {
    const hi = bytes[2 * i] ?? 0;
    const lo = bytes[2 * i + 1] ?? 0;
    out[wordSwap ? words - 1 - i : i] = byteSwap ? (lo << 8) | hi : (hi << 8) | lo;
  }
  return out;
}

function invalid(value: unknown, type: DataType, expected: string): WeftError {
  return new WeftError(
    "VALIDATION_FAILED",
    `cannot encode ${JSON.stringify(String(value))} as ${type}: expected ${expected}`,
    {
      field: "value",
      fix: `write ${expected}`,
    },
  );
}
