import { modbus } from "@weft/connector-modbus";
import type { BatchReading, Reading } from "@weft/core";
import { type ModbusServer, RegisterBank, startModbusServer } from "@weft/simulators/robot";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProfileEngine } from "../../src/profile/engine.ts";
import { loadProfile } from "../../src/profile/load.ts";
import { createBrainClient } from "../../src/uplink/client.ts";
import { startTestBrain, type TestBrain } from "./brain.ts";

/**
 * Counter width end to end: a UInt16 sheet counter on a Modbus device (real TCP) wraps 65 450 → 64;
 * the connector tags its readings `{ bits: 16 }` from the point type, the profile keeps it on the
 * `totalCount` signal, and the brain counts the wrap as 150 sheets, not a reset.
 */
let bank: RegisterBank;
let server: ModbusServer;
let brain: TestBrain;

beforeAll(async () => {
  bank = new RegisterBank();
  bank.map("holding", { start: 0, count: 8 });
  server = await startModbusServer(bank, { port: 0 });
  brain = await startTestBrain();
}, 120_000);
afterAll(async () => {
  await server?.close();
  await brain?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Read the counter at each value the device shows, over TCP. */
async function readCounter(values: readonly number[]): Promise<Reading[]> {
  const c = modbus.create({
    connection: { transport: "tcp", host: "127.0.0.1", port: server.port },
    points: [{ id: "totalCount", area: "holding", address: 0, type: "uint16" }],
  });
  const out: Reading[] = [];
  try {
    for (const v of values) {
      bank.holding[0] = v;
      out.push(...(await c.readOnce()));
      await sleep(5);
    }
  } finally {
    await c.stop();
  }
  return out;
}

async function push(readings: BatchReading[], seq: number): Promise<void> {
  const gw = brain.gateways.find((g) => g.enterpriseKey === "caihong-print");
  if (!gw) throw new Error("no demo gateway for caihong-print");
  const client = createBrainClient({
    url: brain.url,
    apiKey: gw.apiKey,
    compression: "none",
    timeoutMs: 10_000,
  });
  await client.push(JSON.stringify({ gatewayId: gw.gatewayId, seq, readings }));
}

async function produced(machine: string): Promise<number> {
  const [r] = await brain.db.query<{ s: number | null }>(
    sql`select sum(produced) as s from machine_minute_rollups r join machines m on m.id = r.machine_id
        where m.key = ${machine}`,
  );
  return Number(r?.s ?? 0);
}

describe("a UInt16 counter read over Modbus TCP wraps, it does not reset", () => {
  it("the wrap counts as production; without the width it would be read as a reset", async () => {
    // Four polls back to back, stamped a minute apart as a 60 s poll would be: 150 sheets a minute is
    // within the press's rate (at 0.25 s a sheet); 150 in 5 ms would be a counter anomaly.
    const t0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
    const readings = (await readCounter([65_300, 65_450, 64, 214])).map((r, i) => ({
      ...r,
      ts: t0 + i * 60_000,
    }));
    expect(readings.map((r) => r.value)).toEqual([65_300, 65_450, 64, 214]);
    for (const r of readings) expect(r.counter).toEqual({ bits: 16 });

    const profile = loadProfile("generic-machine", process.cwd());
    if ("issues" in profile) throw new Error(JSON.stringify(profile.issues));
    const engine = new ProfileEngine(profile, { machine: "press-01", pointIds: ["totalCount"] });
    const batch = engine.process(readings, Date.now()).filter((r) => r.signal === "totalCount");
    expect(batch).toHaveLength(4);
    for (const r of batch) expect(r.counter).toEqual({ bits: 16 });
    await push(batch, 1);
    // 150 + 150 (65 450 → 65 535 → 0 → 64) + 150.
    expect(await produced("press-01")).toBeCloseTo(450, 6);
    const [c] = await brain.db.query<{ counter_max: number | null }>(
      sql`select c.counter_max from machine_counters c join machines m on m.id = c.machine_id where m.key = 'press-01'`,
    );
    expect(Number(c?.counter_max)).toBe(65_535);

    // The same samples with no width: the brain's default (UInt32) takes the drop for a reset.
    const bare = batch.map(({ counter: _c, ...r }) => ({ ...r, machine: "press-02" }));
    await push(bare, 2);
    expect(await produced("press-02")).toBeCloseTo(150 + 64 + 150, 6);
  });
});
