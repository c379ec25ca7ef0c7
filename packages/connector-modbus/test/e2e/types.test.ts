import { collectReadings, waitFor } from "@weft/connector-sdk/testing";
import { type ModbusServer, RegisterBank, startModbusServer } from "@weft/simulators/robot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DataType, encodeRegisters, modbus, ORDERS, type Order } from "../../src/index.ts";

/** Every type × order written into a device's registers, read over real TCP. */
const SAMPLES: Array<{
  type: Exclude<DataType, "bool">;
  value: number | string;
  expected?: number | string;
}> = [
  { type: "int16", value: -12345 },
  { type: "uint16", value: 54321 },
  { type: "int32", value: -2_000_000_001 },
  { type: "uint32", value: 4_000_000_001 },
  { type: "float32", value: 123.456, expected: 123.456 },
  { type: "float64", value: -98765.4321 },
  { type: "int64", value: "-9007199254740993" },
  { type: "uint64", value: "18446744073709551615" },
  { type: "string", value: "WEFT-RB1" },
];

let bank: RegisterBank;
let server: ModbusServer;
const points: Array<Record<string, unknown>> = [];
const expected = new Map<string, unknown>();

beforeAll(async () => {
  bank = new RegisterBank();
  bank.map("holding", { start: 0, count: 1000 });
  bank.map("coil", { start: 0, count: 8 });
  let address = 0;
  for (const s of SAMPLES) {
    for (const order of ORDERS) {
      const length = s.type === "string" ? 4 : undefined;
      const raw = s.type === "int64" || s.type === "uint64" ? BigInt(s.value) : s.value;
      const words = encodeRegisters(raw, s.type, order as Order, length ?? 1);
      bank.holding.set(words, address);
      const id = `${s.type}.${order}`;
      points.push({ id, area: "holding", address, type: s.type, order, ...(length ? { length } : {}) });
      expected.set(id, s.expected ?? s.value);
      address += words.length;
    }
  }
  bank.holding[900] = 0b0000_0000_0010_0100;
  points.push({ id: "bit2", area: "holding", address: 900, type: "bool", bit: 2 });
  points.push({ id: "bit3", area: "holding", address: 900, type: "bool", bit: 3 });
  points.push({ id: "scaled", area: "holding", address: 0, type: "int16", scale: 0.01, offset: 100 });
  server = await startModbusServer(bank, { port: 0 });
});
afterAll(() => server.close());

const connection = () => ({ transport: "tcp", host: "127.0.0.1", port: server.port });

describe("every data type and byte/word order over real TCP", () => {
  it("decodes each value the device encoded", async () => {
    const c = modbus.create({ connection: connection(), points });
    const r = new Map((await c.readOnce()).map((x) => [x.point, x]));
    for (const [id, value] of expected) expect(r.get(id)?.value, id).toEqual(value);
    expect(r.get("bit2")?.value).toBe(true);
    expect(r.get("bit3")?.value).toBe(false);
    expect(r.get("scaled")?.value).toBe(-23.45);
    // 36 points over ~130 registers: two block reads, not 39.
    expect(c.plan()[0]?.blocks.length).toBeLessThanOrEqual(3);
  });

  it("writes each type with its encoding and reads it back", async () => {
    const writable = points.filter((p) => !String(p.id).startsWith("bit") && p.id !== "scaled");
    const c = modbus.create({ connection: connection(), points: writable });
    const values: Record<string, number | string> = {
      int16: -7,
      uint16: 65535,
      int32: 123456789,
      uint32: 3_000_000_000,
      float32: 0.1,
      float64: Math.PI,
      int64: "-42",
      uint64: "9007199254740993",
      string: "OK",
    };
    for (const p of writable) await c.write(String(p.id), values[String(p.type)] ?? 0);
    const r = await c.readOnce();
    for (const x of r) expect(x.value, x.point).toEqual(values[x.point.split(".")[0] ?? ""]);
  });

  it("sets and clears a bit of a register without touching the others", async () => {
    const c = modbus.create({
      connection: connection(),
      points: [{ id: "b5", area: "holding", address: 900, type: "bool", bit: 5 }],
    });
    await c.write("b5", true);
    expect(bank.holding[900]).toBe(0b0000_0000_0010_0100 | 0b10_0000);
    await c.write("b5", false);
    expect(bank.holding[900]).toBe(0b0000_0000_0000_0100);
  });

  it("a deadband suppresses unchanged values between polls", async () => {
    const c = modbus.create({
      connection: connection(),
      intervalMs: 20,
      points: [{ id: "steady", area: "holding", address: 950, deadband: 5 }],
    });
    const col = collectReadings();
    await c.start({ sink: col.sink, signal: new AbortController().signal });
    try {
      await waitFor("several polls", () => c.status().counters.readings >= 5, 3000);
      expect(col.readings).toHaveLength(1);
      bank.holding[950] = 3;
      await waitFor("a poll", () => c.status().counters.readings >= 10, 3000);
      expect(col.readings).toHaveLength(1);
      bank.holding[950] = 9;
      await waitFor("the move", () => col.readings.length === 2, 3000);
      expect(col.readings[1]?.value).toBe(9);
    } finally {
      await c.stop();
    }
  });
});
