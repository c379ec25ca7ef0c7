import type { ModbusConnection } from "./config.ts";
import { ModbusConnection as ConnectionSchema } from "./config.ts";
import { decodeRegisters, decodeString } from "./decode.ts";
import { ModbusLink } from "./internal/link.ts";
import { type Area, isBitArea, ORDERS, type Order } from "./types.ts";

export interface ProbeOptions {
  unitId?: number;
  /** Addressing of `address` and of the addresses in the result (default 0). */
  addressBase?: 0 | 1;
  timeoutMs?: number;
}

export interface ProbeRegister {
  address: number;
  raw: number;
  hex: string;
  int16: number;
  uint16: number;
  ascii: string;
  bits: string;
}

export interface ProbePair {
  /** Address of the first register of the pair. */
  address: number;
  int32: Record<Order, number>;
  uint32: Record<Order, number>;
  float32: Record<Order, number>;
}

export interface ProbeQuad {
  /** Address of the first of four registers. */
  address: number;
  int64: Record<Order, string>;
  uint64: Record<Order, string>;
  float64: Record<Order, number>;
}

export interface ProbeResult {
  connection: string;
  unitId: number;
  area: Area;
  /** First address read, in `addressBase`. */
  address: number;
  addressBase: 0 | 1;
  /** Coils / discrete inputs: the bits read. */
  bits?: boolean[];
  registers: ProbeRegister[];
  /** Every adjacent register pair decoded in all four 32-bit orders, side by side. */
  pairs: ProbePair[];
  /** Every run of four registers decoded as 64-bit values in all four orders. */
  quads: ProbeQuad[];
}

/**
 * Read raw registers and decode them every way at once, so a user can see which type and
 * which of ABCD / CDAB / BADC / DCBA a device uses instead of guessing.
 * @example
 * const r = await probe({ transport: "tcp", host: "127.0.0.1", port: 5020 }, "input", 4, 2);
 * console.log(formatProbe(r)); // float32 ABCD 12.3 | CDAB 1.2e-39 | ...
 */
export async function probe(
  connection: ModbusConnection | Record<string, unknown>,
  area: Area,
  address: number,
  count: number,
  options: ProbeOptions = {},
): Promise<ProbeResult> {
  const conn = ConnectionSchema.parse(connection);
  const base = options.addressBase ?? 0;
  const unitId = options.unitId ?? 1;
  const link = new ModbusLink(conn, { timeoutMs: options.timeoutMs ?? 2000, maxInFlight: 1 });
  try {
    await link.open();
    const fc = ({ coil: 1, discrete: 2, holding: 3, input: 4 } as const)[area];
    const data = await link.read(unitId, fc, address - base, count);
    const result: ProbeResult = {
      connection: link.label,
      unitId,
      area,
      address,
      addressBase: base,
      registers: [],
      pairs: [],
      quads: [],
    };
    if (isBitArea(area)) {
      result.bits = Array.from({ length: count }, (_, i) => (((data[i >> 3] ?? 0) >> (i & 7)) & 1) === 1);
      return result;
    }
    for (let i = 0; i < count; i++) {
      const raw = data.readUInt16BE(i * 2);
      result.registers.push({
        address: address + i,
        raw,
        hex: `0x${raw.toString(16).padStart(4, "0")}`,
        int16: decodeRegisters(data, i * 2, "int16", "ABCD") as number,
        uint16: raw,
        ascii: decodeString(data, i * 2, 1, "ABCD").replace(/[^\x20-\x7e]/g, "."),
        bits: raw.toString(2).padStart(16, "0"),
      });
    }
    for (let i = 0; i + 1 < count; i++) {
      const all = (type: "int32" | "uint32" | "float32") =>
        Object.fromEntries(ORDERS.map((o) => [o, decodeRegisters(data, i * 2, type, o) as number])) as Record<
          Order,
          number
        >;
      result.pairs.push({
        address: address + i,
        int32: all("int32"),
        uint32: all("uint32"),
        float32: all("float32"),
      });
    }
    for (let i = 0; i + 3 < count; i++) {
      const all = <T>(type: "int64" | "uint64" | "float64", f: (v: number | bigint) => T) =>
        Object.fromEntries(ORDERS.map((o) => [o, f(decodeRegisters(data, i * 2, type, o))])) as Record<
          Order,
          T
        >;
      result.quads.push({
        address: address + i,
        int64: all("int64", String),
        uint64: all("uint64", String),
        float64: all("float64", Number),
      });
    }
    return result;
  } finally {
    await link.close();
  }
}

/**
 * The shortest decimal that reads back as the same float32: every digit the register holds and
 * no noise from widening it to a double (12.3, not 12.30000019 or 12.3000002).
 */
export function float32Text(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  for (let p = 1; p <= 9; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === x) return String(Number(s));
  }
  return String(x);
}

/** Render a probe result as a readable table: float32 at its full precision, float64 as it round-trips. */
export function formatProbe(r: ProbeResult): string {
  const lines = [`${r.connection} unit ${r.unitId} ${r.area} (${r.addressBase}-based addresses)`];
  if (r.bits) {
    for (const [i, b] of r.bits.entries()) lines.push(`${String(r.address + i).padStart(7)}  ${b ? 1 : 0}`);
    return lines.join("\n");
  }
  lines.push("address   raw     int16   uint16  ascii  bits");
  for (const g of r.registers) {
    lines.push(
      `${String(g.address).padStart(7)}  ${g.hex}  ${String(g.int16).padStart(6)}  ${String(g.uint16).padStart(6)}  ${g.ascii.padEnd(5)}  ${g.bits}`,
    );
  }
  lines.push("", "pair      type     ABCD            CDAB            BADC            DCBA");
  for (const p of r.pairs) {
    for (const type of ["float32", "int32", "uint32"] as const) {
      lines.push(
        `${String(p.address).padStart(7)}  ${type.padEnd(7)}  ${ORDERS.map((o) => (type === "float32" ? float32Text(p[type][o]) : String(p[type][o])).padEnd(14)).join("  ")}`.trimEnd(),
      );
    }
  }
  if (r.quads.length > 0) lines.push("", "quad      type     ABCD / CDAB / BADC / DCBA");
  for (const q of r.quads) {
    for (const type of ["float64", "int64", "uint64"] as const) {
      const cells = ORDERS.map((o) => (type === "float64" ? String(q.float64[o]) : q[type][o]));
      lines.push(`${String(q.address).padStart(7)}  ${type.padEnd(7)}  ${cells.join(" / ")}`);
    }
  }
  return lines.join("\n");
}
