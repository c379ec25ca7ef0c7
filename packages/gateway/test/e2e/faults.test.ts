import * as fs from "node:fs";
import * as path from "node:path";
import { ROBOT_DEVICE_FILE, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { cleanup, tempDir } from "@weft/test-processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "./brain.ts";
import { GatewayProcess, sleep, waitUntil, writeConfig } from "./process.ts";

/**
 * Fault injection with real processes: the gateway CLI runs as a child process (`run -c`),
 * the brain is the real tRPC service on embedded PGlite (PostgreSQL when DATABASE_URL is set),
 * the device is the robot-cell simulator over Modbus TCP.
 */
let brain: TestBrain;
let cell: RobotCell;
const root = tempDir("weft-gw-faults-");

beforeAll(async () => {
  brain = await startTestBrain();
  cell = await startRobotCell({ port: 0, seed: 7, speed: 60 });
});
afterAll(async () => {
  // Gateways first (also those a failed test left running), then what they talk to.
  await cleanup();
  await cell?.close();
  await brain?.close();
});

function config(name: string, gatewayId: string, machine: string, brainUrl = brain.url, extra = ""): string {
  const gw = brain.gateways.find((g) => g.gatewayId === gatewayId);
  if (!gw) throw new Error(`no demo gateway ${gatewayId}`);
  return writeConfig(
    path.join(root, name),
    "gateway.yaml",
    `gateway: { id: ${gatewayId}, dataDir: ./data }
brain: { url: "${brainUrl}", apiKey: "\${TEST_API_KEY}" }
uplink: { maxBatchReadings: 100, maxBatchAge: 100ms, retryInitial: 100ms, retryMax: 500ms, timeout: 2s }
health: { port: 0 }
${extra}
devices:
  - id: ${machine}
    points: { file: ${JSON.stringify(ROBOT_DEVICE_FILE)} }
    connection: { port: ${cell.port} }
    intervalMs: 50
`,
  );
}

async function startGw(file: string, key: string): Promise<{ gw: GatewayProcess; health: string }> {
  const gw = new GatewayProcess(["run", "-c", file, "--drain", "10"], { TEST_API_KEY: key });
  const started = await gw.waitForLog("gateway started");
  return { gw, health: String(started.health) };
}

async function stopGw(
  gw: GatewayProcess,
): Promise<{ readingsTotal: number; lastSeq: number; pendingReadings: number }> {
  gw.kill("SIGTERM");
  expect(await gw.exited).toBe(0);
  const stopped = await gw.waitForLog("gateway stopped");
  return stopped as unknown as { readingsTotal: number; lastSeq: number; pendingReadings: number };
}

function keyOf(id: string): string {
  return brain.gateways.find((g) => g.gatewayId === id)?.apiKey ?? "";
}

async function expectExactlyOnce(gatewayId: string, machine: string, lastSeq: number): Promise<number> {
  const batches = await brain.batches(gatewayId);
  expect(batches.map((b) => b.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
  const sum = batches.reduce((a, b) => a + b.readingCount, 0);
  expect(await brain.readingCount([machine])).toBe(sum);
  return sum;
}

describe("gateway under faults (real processes)", () => {
  it("delivers every reading exactly once across a brain outage", async () => {
    const id = "gw-jinggong-robotics";
    const { gw, health } = await startGw(config("outage", id, "e2e-robot-outage"), keyOf(id));
    await waitUntil(
      "first uploads",
      async () => (await brain.batches(id)).length >= 3,
      30_000,
      () => gw.tail(),
    );
    await brain.stop();
    await sleep(2500);
    const during = await gw.status(health);
    expect(during.uplink?.connected).toBe(false);
    expect(during.buffer.pendingReadings).toBeGreaterThan(0);
    expect(during.buffer.oldestPendingAgeMs).toBeGreaterThan(1000);
    await brain.start();
    await waitUntil(
      "backlog drained",
      async () => (await gw.status(health)).buffer.pendingBatches === 0,
      20_000,
      () => gw.tail(),
    );
    const end = await stopGw(gw);
    expect(end.pendingReadings).toBe(0);
    expect(await expectExactlyOnce(id, "e2e-robot-outage", end.lastSeq)).toBe(end.readingsTotal);
  });

  it("loses and duplicates nothing when the gateway is killed with SIGKILL mid-stream", async () => {
    const id = "gw-caihong-print";
    const file = config("kill9", id, "e2e-robot-kill9");
    const first = await startGw(file, keyOf(id));
    await waitUntil(
      "first uploads",
      async () => (await brain.batches(id)).length >= 5,
      30_000,
      () => first.gw.tail(),
    );
    first.gw.kill("SIGKILL");
    await first.gw.exited;
    const before = await brain.batches(id);
    const second = await startGw(file, keyOf(id));
    await waitUntil(
      "more uploads after restart",
      async () => (await brain.batches(id)).length >= before.length + 5,
      20_000,
      () => second.gw.tail(),
    );
    const end = await stopGw(second.gw);
    expect(end.lastSeq).toBeGreaterThan(before.length);
    await expectExactlyOnce(id, "e2e-robot-kill9", end.lastSeq);
  });

  it("quarantines a corrupted buffer segment, reports it and replays the rest", async () => {
    const id = "gw-senhua-furniture";
    const extra = "buffer: { segmentBytes: 16KiB, maxBytes: 64MiB }";
    const offline = config("corrupt", id, "e2e-robot-corrupt", "http://127.0.0.1:1/trpc", extra);
    const a = await startGw(offline, keyOf(id));
    await waitUntil(
      "three segments",
      async () => (await a.gw.status(a.health)).buffer.segments >= 3,
      20_000,
      () => a.gw.tail(),
    );
    const written = await stopGw(a.gw);
    const dir = path.join(root, "corrupt", "data", "journal");
    const segs = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".seg"))
      .sort();
    const victim = path.join(dir, segs[1] ?? "");
    const bytes = fs.readFileSync(victim);
    bytes.write("garbage!", Math.floor(bytes.length / 2));
    fs.writeFileSync(victim, bytes);

    config("corrupt", id, "e2e-robot-corrupt", brain.url, extra);
    const b = await startGw(path.join(root, "corrupt", "gateway.yaml"), keyOf(id));
    const damaged = await b.gw.waitForLog(
      "buffer segment damaged: quarantined a copy, replaying its valid batches",
    );
    expect(damaged.segment).toBe(segs[1]);
    await waitUntil(
      "backlog drained",
      async () => (await b.gw.status(b.health)).buffer.pendingBatches === 0,
      20_000,
      () => b.gw.tail(),
    );
    const s = await b.gw.status(b.health);
    expect(s.buffer.corrupt.segments).toBe(1);
    expect(s.buffer.quarantined[0]?.segment).toBe(segs[1]);
    const metrics = await (await fetch(`${b.health}/metrics`)).text();
    expect(metrics).toMatch(/weft_gateway_buffer_corrupt_segments_total\{gateway="gw-senhua-furniture"\} 1/);
    const second = await stopGw(b.gw);
    const seqs = (await brain.batches(id)).map((x) => x.seq);
    const missing = Array.from({ length: written.lastSeq }, (_, i) => i + 1).filter((q) => !seqs.includes(q));
    expect(missing.length).toBeGreaterThanOrEqual(1);
    expect(missing.length).toBeLessThanOrEqual(2);
    // every lost batch is accounted for: seq range in status, count and readings in /metrics
    expect(s.buffer.lossTotals.damaged.batches).toBe(missing.length);
    const entry = s.buffer.losses.find((l) => l.reason === "damaged");
    expect(entry).toMatchObject({ fromSeq: missing[0], toSeq: missing.at(-1) });
    const lostReadings = s.buffer.lossTotals.damaged.readings;
    const taken = written.readingsTotal + second.readingsTotal;
    expect(lostReadings).toBe(taken - (await brain.readingCount(["e2e-robot-corrupt"])));
    expect(metrics).toContain(
      `weft_gateway_lost_readings_total{gateway="gw-senhua-furniture",reason="damaged"} ${lostReadings}`,
    );
    expect(seqs.length).toBeGreaterThan(written.lastSeq - 3);
    expect(fs.readdirSync(path.join(dir, "quarantine"))).toHaveLength(1);
  });
});
