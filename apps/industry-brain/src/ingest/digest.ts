import { createHash } from "node:crypto";
import type { BatchReading } from "@weft/core";

/**
 * 16 bytes of a SHA-256 over readings[from, to): what makes a replay of a batch (same digest) tell
 * itself apart from a reused seq carrying other readings. Every field that is stored counts, in a
 * fixed order, so the digest does not depend on the JSON key order the gateway sent.
 */
export function readingsDigest(
  readings: readonly BatchReading[],
  from = 0,
  to = readings.length,
): Uint8Array {
  const h = createHash("sha256");
  let text = "";
  for (let i = from; i < to; i++) {
    const r = readings[i] as BatchReading;
    text += `${r.machine}\u0000${r.point}\u0000${r.ts}\u0000${typeof r.value === "string" ? JSON.stringify(r.value) : JSON.stringify(r.value ?? null)}\u0000${r.quality}\u0000${r.status ?? ""}\u0000${r.signal ?? ""}\n`;
    // Hash in slices: one update per reading is slow, one string per batch is large.
    if (text.length > 65_536) {
      h.update(text);
      text = "";
    }
  }
  h.update(text);
  return new Uint8Array(h.digest().subarray(0, 16));
}
