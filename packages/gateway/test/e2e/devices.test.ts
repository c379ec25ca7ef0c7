import * as net from "node:net";
import * as path from "node:path";
import { ROBOT_DEVICE_FILE, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { cleanup, tempDir } from "@weft/test-processes";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway } from "../../src/runtime/gateway.ts";
import { sleep, waitUntil } from "./process.ts";

let cell: RobotCell;
const root = tempDir("weft-gw-devices-");
const logger = pino({ level: "silent" });

beforeAll(async () => {
  cell = await startRobotCell({ port: 0, seed: 3, speed: 60 });
});
afterAll(async () => {
  await cell?.close();
  await cleanup();
});

/** A port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const robot = (id: string, port: number) => ({
  id,
  points: { file: ROBOT_DEVICE_FILE },
  connection: { port },
  intervalMs: 50,
  timeoutMs: 200,
  reconnect: { initialMs: 100, maxMs: 500 },
});

describe("gateway devices and buffer (in process)", () => {
  it("a dead device does not stall the others", async () => {
    const gw = await startGateway({
      baseDir: path.join(root, "dead"),
      logger,
      health: false,
      config: {
        gateway: { id: "gw-dead", dataDir: "./data" },
        uplink: { maxBatchAge: 100 },
        devices: [robot("dead-robot", await closedPort()), robot("live-robot", cell.port)],
      },
    });
    try {
      await sleep(1500);
      const s = gw.status();
      const live = s.devices.find((d) => d.id === "live-robot");
      const dead = s.devices.find((d) => d.id === "dead-robot");
      expect(live?.state).toBe("connected");
      expect(live?.readings).toBeGreaterThan(100);
      expect(dead?.state).not.toBe("connected");
      expect(dead?.errors).toBeGreaterThan(0);
      expect(s.buffer.pendingReadings).toBeGreaterThan(100);
    } finally {
      await gw.stop();
    }
  });

  it("a device addressed with a wrong unit id is unresponsive, not connected, with a hint naming the unit id", async () => {
    const strict = await startRobotCell({ port: 0, seed: 4, unitId: 1 });
    const gw = await startGateway({
      baseDir: path.join(root, "unit"),
      logger,
      health: { port: 0 },
      config: {
        gateway: { id: "gw-unit", dataDir: "./data" },
        uplink: { maxBatchAge: 100 },
        devices: [
          { ...robot("wrong-unit", strict.port), unitId: 7 },
          { ...robot("right-unit", strict.port), unitId: 1 },
        ],
      },
    });
    try {
      await waitUntil("the wrong unit reported", () =>
        gw.status().devices.some((d) => d.id === "wrong-unit" && d.state === "unresponsive" && d.errors > 0),
      );
      const s = gw.status();
      const wrong = s.devices.find((d) => d.id === "wrong-unit");
      expect(s.devices.find((d) => d.id === "right-unit")?.state).toBe("connected");
      expect(wrong?.hint).toMatch(/unit 7 never answers: check the unit id/);
      expect(wrong?.errors).toBeGreaterThan(0);
      const metrics = await (await fetch(`${gw.healthUrl}/metrics`)).text();
      expect(metrics).toContain('weft_gateway_device_connected{gateway="gw-unit",device="wrong-unit"} 0');
      expect(metrics).toContain('weft_gateway_device_connected{gateway="gw-unit",device="right-unit"} 1');
    } finally {
      await gw.stop();
      await strict.close();
    }
  });

  it("a full buffer drops the oldest batches, counts them and reports them in /metrics", async () => {
    const gw = await startGateway({
      baseDir: path.join(root, "full"),
      logger,
      health: { port: 0 },
      drainOnStopS: 0,
      config: {
        gateway: { id: "gw-full", dataDir: "./data" },
        brain: { url: "http://127.0.0.1:1/trpc", apiKey: "unused" },
        buffer: { segmentBytes: "8KiB", maxBytes: "24KiB" },
        uplink: { maxBatchReadings: 20, maxBatchAge: 50, retryInitial: 5000 },
        devices: [robot("robot", cell.port)],
      },
    });
    try {
      await waitUntil("drops", () => gw.status().buffer.dropped.readings > 0, 15_000);
      const s = gw.status();
      expect(s.buffer.bytes).toBeLessThanOrEqual(24 * 1024);
      expect(s.buffer.whenFull).toBe("drop-oldest");
      const metrics = await (await fetch(`${gw.healthUrl}/metrics`)).text();
      const dropped =
        /weft_gateway_readings_dropped_total\{gateway="gw-full",reason="buffer-full"\} (\d+)/.exec(metrics);
      expect(Number(dropped?.[1])).toBeGreaterThan(0);
      expect(metrics).toMatch(/weft_gateway_oldest_unsent_age_seconds\{gateway="gw-full"\} [0-9.]+/);
    } finally {
      await gw.stop();
    }
  });

  it("under reject-new keeps the oldest batches and counts the refused ones", async () => {
    const gw = await startGateway({
      baseDir: path.join(root, "reject"),
      logger,
      health: false,
      drainOnStopS: 0,
      config: {
        gateway: { id: "gw-reject", dataDir: "./data" },
        buffer: { segmentBytes: "8KiB", maxBytes: "24KiB", whenFull: "reject-new" },
        uplink: { maxBatchReadings: 20, maxBatchAge: 50 },
        devices: [robot("robot", cell.port)],
      },
    });
    try {
      await waitUntil("drops", () => gw.status().buffer.dropped.batches > 0, 15_000);
      const s = gw.status();
      expect(s.buffer.ackedSeq).toBe(0);
      expect(s.buffer.bytes).toBeLessThanOrEqual(24 * 1024);
    } finally {
      await gw.stop();
    }
  });
});
