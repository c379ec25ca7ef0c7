import { crc32 } from "./crc32.ts";

/**
 * One journal record on disk (little-endian):
 *
 * | offset | size | field                                              |
 * |--------|------|----------------------------------------------------|
 * | 0      | 4    | magic `WFJ2` (resynchronises after damage)         |
 * | 4      | 4    | body length                                        |
 * | 8      | 4    | CRC-32 of the body                                 |
 * | 12     | n    | body: seq u64, readings u32, firstTs u64, cum u64, payload |
 *
 * `cum` counts the readings appended before this record since the journal was created, so the
 * readings lost in any damaged stretch are exactly the difference between the records around it.
 * The payload is the UTF-8 JSON of the batch's readings. Records of the first format (`WFJ1`,
 * no `cum`) are still read.
 */
export const RECORD_MAGIC = 0x324a4657; // "WFJ2" read as little-endian u32
export const RECORD_MAGIC_V1 = 0x314a4657; // "WFJ1"
export const HEADER_BYTES = 12;
export const BODY_FIXED_BYTES = 28;
const BODY_FIXED_BYTES_V1 = 20;
/** A record larger than this is treated as damage, never allocated. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface RecordMeta {
  seq: number;
  readings: number;
  /** Earliest source timestamp in the batch (epoch ms). */
  firstTs: number;
  /** Readings appended before this record since the journal began; null for a `WFJ1` record. */
  cum: number | null;
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
  buf.writeBigUInt64LE(BigInt(meta.cum ?? 0), 32);
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
  const magic = buf.readUInt32LE(offset);
  if (magic !== RECORD_MAGIC && magic !== RECORD_MAGIC_V1) return { kind: "bad", reason: "magic" };
  const fixed = magic === RECORD_MAGIC ? BODY_FIXED_BYTES : BODY_FIXED_BYTES_V1;
  const bodyLen = buf.readUInt32LE(offset + 4);
  if (bodyLen < fixed || bodyLen > MAX_RECORD_BYTES) return { kind: "bad", reason: "length" };
  const end = offset + HEADER_BYTES + bodyLen;
  if (end > buf.length) return { kind: "short" };
  const body = buf.subarray(offset + HEADER_BYTES, end);
  if (crc32(body) !== buf.readUInt32LE(offset + 8)) return { kind: "bad", reason: "crc" };
  return {
    kind: "record",
    record: {
      seq: Number(body.readBigUInt64LE(0)),
      readings: body.readUInt32LE(8),
      firstTs: Number(body.readBigUInt64LE(12)),
      cum: magic === RECORD_MAGIC ? Number(body.readBigUInt64LE(20)) : null,
      payload: body.subarray(fixed),
      offset,
      size: end - offset,
    },
  };
}

/**
 * What a record's header says when its body does not check out (a torn or damaged record): the
 * declared seq and readings, if the fixed part of the body is on disk. Unverified, so only used
 * to describe a loss, never to replay anything.
 */
export function declaredMeta(buf: Buffer, offset: number): { seq: number; readings: number } | null {
  if (buf.length - offset < HEADER_BYTES + BODY_FIXED_BYTES_V1) return null;
  const magic = buf.readUInt32LE(offset);
  if (magic !== RECORD_MAGIC && magic !== RECORD_MAGIC_V1) return null;
  const seq = buf.readBigUInt64LE(offset + HEADER_BYTES);
  if (seq > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return { seq: Number(seq), readings: buf.readUInt32LE(offset + HEADER_BYTES + 8) };
}
