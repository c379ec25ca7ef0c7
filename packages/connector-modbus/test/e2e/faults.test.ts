import { collectReadings, waitFor } from "@weft/connector-sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type ModbusConnector, modbus } from "../../src/index.ts";
import { type FakeDevice, type Misbehave, startFakeDevice, testBank } from "./fake-devices.ts";

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(misbehave: Misbehave, extra: Record<string, unknown> = {}) {
  const dev: FakeDevice = await startFakeDevice(testBank(), misbehave);
  cleanup.push(() => dev.close());
  const c: ModbusConnector = modbus.create({
    connection: { transport: "tcp", host: "127.0.0.1", port: dev.port },
    intervalMs: 50,
    timeoutMs: 150,
    retries: 0,
    timeoutsBeforeReconnect: 1,
    reconnect: { initialMs: 20, maxMs: 100 },
    points: [
      { id: "a", area: "holding", address: 0 },
      { id: "b", area: "holding", address: 2, type: "float32" },
    ],
    ...extra,
  });
  const col = collectReadings();
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on("unhandledRejection", onUnhandled);
  cleanup.push(async () => {
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });
  await c.start({ sink: col.sink, signal: new AbortController().signal });
  cleanup.push(() => c.stop());
  return { dev, c, col };
}

const goodAfterBad = (col: ReturnType<typeof collectReadings>) => {
  const firstBad = col.readings.findIndex((r) => r.quality === "bad");
  return firstBad >= 0 && col.readings.slice(firstBad).some((r) => r.quality === "good" && r.point === "a");
};

describe("a misbehaving device: the reading is bad, the connection recovers, nothing crashes", () => {
  it("wrong transaction id", async () => {
    const { col, c, dev } = await setup(({ n }) =>
      n === 2 ? { kind: "raw", bytes: wrongTx() } : { kind: "normal" },
    );
    await waitFor("bad then good again", () => goodAfterBad(col), 4000);
    expect(col.readings.find((r) => r.quality === "bad")?.status).toMatch(/timeout/);
    expect(c.status().counters.reconnects).toBeGreaterThanOrEqual(1);
    expect(dev.connections()).toBeGreaterThanOrEqual(2);
  });

  it("short frame", async () => {
    // MBAP says 3 bytes follow but the PDU is cut: a byte count of 4 with no data.
    const short = (tx: number) => Buffer.from([tx >> 8, tx & 0xff, 0, 0, 0, 3, 1, 3, 4]);
    const { col, c } = await setup(({ n, tx }) =>
      n === 1 ? { kind: "raw", bytes: short(tx) } : { kind: "normal" },
    );
    await waitFor("bad then good again", () => goodAfterBad(col), 4000);
    expect(c.status().lastError).toBeDefined();
  });

  it("garbage header (protocol id ≠ 0) and a device that hangs up", async () => {
    const { col } = await setup(({ n }) =>
      n === 1
        ? { kind: "raw", bytes: Buffer.from([0, 0, 9, 9, 0, 0, 0, 0]) }
        : n === 3
          ? { kind: "silent" }
          : { kind: "normal" },
    );
    await waitFor("bad then good again", () => goodAfterBad(col), 4000);
  });

  it("device busy marks the block's points bad with the code, then recovers without reconnecting", async () => {
    const { col, c } = await setup(({ n }) =>
      n >= 2 && n <= 3 ? { kind: "exception", code: 6 } : { kind: "normal" },
    );
    await waitFor("bad then good again", () => goodAfterBad(col), 4000);
    expect(col.readings.find((r) => r.quality === "bad")?.status).toMatch(
      /^modbus:6 Server device busy at holding 0\.\.3/,
    );
    expect(c.status().counters.reconnects).toBe(0);
  });

  it("device busy is retried when retries allow it", async () => {
    const { col } = await setup(({ n }) => (n === 1 ? { kind: "exception", code: 6 } : { kind: "normal" }), {
      retries: 2,
    });
    await waitFor("several polls", () => col.readings.filter((r) => r.point === "a").length >= 3, 3000);
    expect(col.readings.every((r) => r.quality === "good")).toBe(true);
  });

  it("an exception on one address isolates it; the other points keep polling", async () => {
    // Illegal data address whenever a request covers register 2 (point b).
    const { col, c } = await setup(({ pdu }) => {
      const start = pdu.readUInt16BE(1);
      const count = pdu.readUInt16BE(3);
      return start <= 2 && start + count > 2 ? { kind: "exception", code: 2 } : { kind: "normal" };
    });
    await waitFor("a few polls", () => col.readings.filter((r) => r.point === "a").length >= 3, 3000);
    expect(
      col.readings.filter((r) => r.point === "a").every((r) => r.quality === "good" && r.value === 1),
    ).toBe(true);
    expect(
      col.readings
        .filter((r) => r.point === "b")
        .every((r) => r.quality === "bad" && /modbus:2/.test(r.status ?? "")),
    ).toBe(true);
    expect(c.status().counters.reconnects).toBe(0);
  });

  it("keeps several requests in flight when maxInFlight allows it", async () => {
    const points = Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, area: "holding", address: i * 20 }));
    const { dev, col } = await setup(() => ({ kind: "delay", ms: 20 }), {
      points,
      maxInFlight: 4,
      limits: { maxGapRegisters: 0 },
      timeoutMs: 1000,
    });
    await waitFor("a full poll", () => col.readings.length >= 8, 3000);
    expect(dev.maxOutstanding()).toBe(4);
    expect(col.readings.slice(0, 8).map((r) => r.value)).toEqual(
      expect.arrayContaining([1, 21, 41, 61, 81, 101, 121, 141]),
    );
  });

  it("one in flight by default", async () => {
    const points = Array.from({ length: 4 }, (_, i) => ({ id: `p${i}`, area: "holding", address: i * 20 }));
    const { dev, col } = await setup(() => ({ kind: "delay", ms: 5 }), {
      points,
      limits: { maxGapRegisters: 0 },
      timeoutMs: 1000,
    });
    await waitFor("a full poll", () => col.readings.length >= 8, 3000);
    expect(dev.maxOutstanding()).toBe(1);
  });
});

function wrongTx(): Buffer {
  // A well-formed reply to a transaction nobody asked for.
  return Buffer.from([0xbe, 0xef, 0, 0, 0, 7, 1, 3, 4, 0, 1, 0, 2]);
}
