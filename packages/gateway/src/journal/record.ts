import { crc32 } from "./crc32.ts";

/**
 * One journal record on disk (little-endian):
 *
 * | offset | size | field                                         |
 * |--------|------|-----------------------------------------------|
 * | 0      | 4    | magic `WFJ1` (resynchronises after damage)    |
 * | 4      | 4    | body length                                   |
 * | 8      | 4    | CRC-32 of the body                            |
 * | 12     | n    | body: seq u64, readings u32, firstTs u64, payload |
 *
 * The payload is the UTF-8 JSON of the batch's readings.
 */
export const RECORD_MAGIC = 0x314a4657; // "WFJ1" read as little-endian u32
export const HEADER_BYTES = 12;
export const BODY_FIXED_BYTES = 20;
/** A record larger than this is treated as damage, never allocated. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface RecordMeta {
  seq: number;
  readings: number;
  /** Earliest source timestamp in the batch (epoch ms). */
  firstTs: number;
}

export interface DecodedRecord extends RecordMeta {
  payload: Buffer;
  /** Offset of the record within the scanned buffer. */
  offset: number;
  /** Total bytes on disk, header included. */
  size: number;
}

export function encodeRecord(meta: RecordMeta, payload: Uint8Array): Buffer {
  const bodyLen = BODY_FIXED_BYTES + payload.length;
  const buf = Buffer.allocUnsafe(HEADER_BYTES + bodyLen);
  buf.writeUInt32LE(RECORD_MAGIC, 0);
  buf.writeUInt32LE(bodyLen, 4);
  buf.writeBigUInt64LE(BigInt(meta.seq), 12);
  buf.writeUInt32LE(meta.readings, 20);
  buf.writeBigUInt64LE(BigInt(Math.max(0, Math.trunc(meta.firstTs))), 24);
  buf.set(payload, HEADER_BYTES + BODY_FIXED_BYTES);
  buf.writeUInt32LE(crc32(buf.subarray(HEADER_BYTES)), 8);
  return buf;
}

export type DecodeResult =
  | { kind: "record"; record: DecodedRecord }
  /** Not enough bytes left for the header or the declared body (a torn tail, or damage). */
  | { kind: "short" }
  /** Bytes at this offset are not a valid record. */
  | { kind: "bad"; reason: "magic" | "length" | "crc" };

/** Decode the record starting at `offset`. Never throws. */
export function decodeRecordAt(buf: Buffer, offset: number): DecodeResult {
  if (buf.length - offset < HEADER_BYTES) return { kind: "short" };
  if (buf.readUInt32LE(offset) !== RECORD_MAGIC) return { kind: "bad", reason: "magic" };
  const bodyLen = buf.readUInt32LE(offset + 4);
  if (bodyLen < BODY_FIXED_BYTES || bodyLen > MAX_RECORD_BYTES) return { kind: "bad", reason: "length" };
  const end = offset + HEADER_BYTES + bodyLen;
  if (end > buf.length) return { kind: "short" };
  const body = buf.subarray(offset + HEADER_BYTES, end);
  if (crc32(body) !== buf.readUInt32LE(offset + 8)) return { kind: "bad", reason: "crc" };
  const seq = Number(body.readBigUInt64LE(0));
  const readings = body.readUInt32LE(8);
  const firstTs = Number(body.readBigUInt64LE(12));
  return {
    kind: "record",
    record: { seq, readings, firstTs, payload: body.subarray(BODY_FIXED_BYTES), offset, size: end - offset },
  };
}
