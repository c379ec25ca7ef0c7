import type { DataType, Order } from "./types.ts";

/** A decoded raw value; 64-bit integers are `bigint` so they stay exact. */
export type RawValue = number | bigint | boolean | string;

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Copy `words` registers from `src` (wire bytes, 2 per register) at `byteOffset` into the
 * scratch view as one big-endian value, undoing `order`.
 */
function load(src: Uint8Array, byteOffset: number, words: number, order: Order): DataView {
  const byteSwap = order === "BADC" || order === "DCBA";
  const wordSwap = order === "CDAB" || order === "DCBA";
  for (let i = 0; i < words; i++) {
    const w = byteOffset + 2 * (wordSwap ? words - 1 - i : i);
    scratch.setUint8(2 * i, src[byteSwap ? w + 1 : w] ?? 0);
    scratch.setUint8(2 * i + 1, src[byteSwap ? w : w + 1] ?? 0);
  }
  return scratch;
}

/**
 * Decode one value from register bytes as they came off the wire (big-endian per register).
 * Pure; `order` applies to 32- and 64-bit types (byte swap also to 16-bit types and strings).
 * @example decodeRegisters(Buffer.from([0x41, 0x20, 0, 0]), 0, "float32", "ABCD") // 10
 */
export function decodeRegisters(
  src: Uint8Array,
  byteOffset: number,
  type: Exclude<DataType, "bool" | "string">,
  order: Order,
): number | bigint {
  switch (type) {
    case "int16":
      return load(src, byteOffset, 1, order).getInt16(0);
    case "uint16":
      return load(src, byteOffset, 1, order).getUint16(0);
    case "int32":
      return load(src, byteOffset, 2, order).getInt32(0);
    case "uint32":
      return load(src, byteOffset, 2, order).getUint32(0);
    case "float32":
      if (order === "ABCD" && src instanceof Buffer) return src.readFloatBE(byteOffset);
      return load(src, byteOffset, 2, order).getFloat32(0);
    case "int64":
      return load(src, byteOffset, 4, order).getBigInt64(0);
    case "uint64":
      return load(src, byteOffset, 4, order).getBigUint64(0);
    case "float64":
      return load(src, byteOffset, 4, order).getFloat64(0);
  }
}

/** Bit `bit` (0 = least significant) of the register at `byteOffset`, honouring byte order. */
export function decodeBit(src: Uint8Array, byteOffset: number, bit: number, order: Order): boolean {
  const reg = load(src, byteOffset, 1, order).getUint16(0);
  return ((reg >> bit) & 1) === 1;
}

/** ASCII string over `registers` registers, two characters each; trailing NULs and spaces dropped. */
export function decodeString(src: Uint8Array, byteOffset: number, registers: number, order: Order): string {
  const byteSwap = order === "BADC" || order === "DCBA";
  let out = "";
  for (let i = 0; i < registers; i++) {
    const w = byteOffset + 2 * i;
    const a = src[byteSwap ? w + 1 : w] ?? 0;
    const b = src[byteSwap ? w : w + 1] ?? 0;
    out += String.fromCharCode(a, b);
  }
  return out.replace(/[\0 ]+$/u, "");
}

/** Coil or discrete-input bit `index` of a packed Modbus bit response (LSB first). */
export function decodePackedBit(src: Uint8Array, byteOffset: number, index: number): boolean {
  return (((src[byteOffset + (index >> 3)] ?? 0) >> (index & 7)) & 1) === 1;
}

export interface DecodeSpec {
  type: DataType;
  order: Order;
  bit?: number | undefined;
  length?: number | undefined;
}

/** Decode a register-area point of any type. */
export function decodePoint(src: Uint8Array, byteOffset: number, spec: DecodeSpec): RawValue {
  if (spec.type === "bool") return decodeBit(src, byteOffset, spec.bit ?? 0, spec.order);
  if (spec.type === "string") return decodeString(src, byteOffset, spec.length ?? 1, spec.order);
  return decodeRegisters(src, byteOffset, spec.type, spec.order);
}
