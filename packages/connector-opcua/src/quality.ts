import type { Quality } from "@weft/core";

/** What a reading carries from an OPC UA StatusCode. */
export interface MappedStatus {
  quality: Quality;
  /** The status code's name (e.g. `BadNodeIdUnknown`); absent for plain `Good`. */
  status?: string;
}

/**
 * Severity from the two top bits of an OPC UA StatusCode (Part 4, 7.39):
 * 00 Good, 01 Uncertain, 10 Bad (11 is reserved and treated as bad).
 * @example qualityOf(0x80340000) // "bad" (BadNodeIdUnknown)
 */
export function qualityOf(code: number): Quality {
  const severity = (code >>> 30) & 0b11;
  if (severity === 0) return "good";
  if (severity === 1) return "uncertain";
  return "bad";
}

/**
 * Map a StatusCode (value and name) to quality, keeping the name.
 * @example mapStatus({ value: 0x408f0000, name: "UncertainDataSubNormal" })
 *   // { quality: "uncertain", status: "UncertainDataSubNormal" }
 */
export function mapStatus(sc: { value: number; name: string }): MappedStatus {
  const quality = qualityOf(sc.value);
  if (sc.value === 0) return { quality };
  const name =
    sc.name && !sc.name.startsWith("Unknown")
      ? sc.name
      : `0x${(sc.value >>> 0).toString(16).padStart(8, "0")}`;
  return { quality, status: name.slice(0, 200) };
}
