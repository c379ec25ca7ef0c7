import * as zlib from "node:zlib";

/** CRC-32 (IEEE 802.3, the one zlib and PNG use). */
export type Crc32 = (data: Uint8Array) => number;

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** Table-driven CRC-32 for Node versions without `zlib.crc32` (added in 22.2). */
export function crc32Table(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = (TABLE[(c ^ (data[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** The fastest available CRC-32: native zlib when present, the table otherwise. */
export const crc32: Crc32 = native ? (d) => native(d) >>> 0 : crc32Table;
