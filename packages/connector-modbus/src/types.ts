/** The four Modbus data areas. */
export const AREAS = ["coil", "discrete", "holding", "input"] as const;
export type Area = (typeof AREAS)[number];

export const DATA_TYPES = [
  "bool",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "int64",
  "uint64",
  "float32",
  "float64",
  "string",
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** The four 32-bit layouts, named by the wire order of the bytes of the big-endian value ABCD. */
export const ORDERS = ["ABCD", "CDAB", "BADC", "DCBA"] as const;
export type Order = (typeof ORDERS)[number];
export type ByteOrder = "AB" | "BA";
export type WordOrder = "big" | "little";

export const isBitArea = (area: Area): area is "coil" | "discrete" => area === "coil" || area === "discrete";

/** Order from separate byte and word order settings. */
export function orderOf(byteOrder: ByteOrder, wordOrder: WordOrder): Order {
  if (byteOrder === "AB") return wordOrder === "big" ? "ABCD" : "CDAB";
  return wordOrder === "big" ? "BADC" : "DCBA";
}

/** Registers a value of `type` occupies (`length` for strings, in registers). */
export function registerCount(type: DataType, length = 1): number {
  switch (type) {
    case "bool":
    case "int16":
    case "uint16":
      return 1;
    case "int32":
    case "uint32":
    case "float32":
      return 2;
    case "int64":
    case "uint64":
    case "float64":
      return 4;
    case "string":
      return length;
  }
}

/** Modbus exception codes and their names. */
export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  1: "Illegal function",
  2: "Illegal data address",
  3: "Illegal data value",
  4: "Server device failure",
  5: "Acknowledge",
  6: "Server device busy",
  8: "Memory parity error",
  10: "Gateway path unavailable",
  11: "Gateway target device failed to respond",
};
