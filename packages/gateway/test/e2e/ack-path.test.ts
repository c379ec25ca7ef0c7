import * as fs from "node:fs";
import * as path from "node:path";
import { ROBOT_DEVICE_FILE, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { cleanup, tempDir } from "@weft/test-processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CursorState } from "../../src/journal/cursor.ts";
import { FAULT_STEPS } from "../../src/runtime/fault.ts";
import { startTestBrain, type TestBrain } from "./brain.ts";
import { GatewayProcess, journalOnDisk, waitUntil, writeConfig } from "./process.ts";

/**
 * Fault injection on the acknowledge path, with real processes: the gateway starts while the
 * brain is down (a backlog builds up), the brain comes back, and the gateway kills itself
 * (WEFT_FAULT_AT, test only) before an upload is sent, after the brain committed it, before and
 * after the cursor write; then the machine "loses power": the newest segment is cut where its
 * fsynced bytes end and the restart sees another boot id. For each fsync policy, every reading
 * the journal held at the crash is counted at the brain: lost and duplicated, exactly.
 */
let brain: TestBrain;
let cell: RobotCell;
const root = tempDir("weft-gw-ackpath-");

beforeAll(async () => {
  brain = await startTestBrain();
  cell = await startRobotCell({ port: 0, seed: 11, speed: 60 });
}, 120_000);
afterAll(async () => {
  await cleanup();
  await cell?.close();
  await brain?.close();
});

interface Fault {
  step: string;
  synced: { seq: number; segment: string | null; bytes: number };
  lastSeq: number;
}

const cases = (["batch", "interval", "off"] as const).flatMap((fsync) =>
  FAULT_STEPS.map((step) => ({ fsync, step })),
);

describe("acknowledge path under faults: every reading counted", () => {
  it.each(cases)(
    "fsync $fsync, killed at $step, then a power cut",
    { timeout: 180_000 },
    async ({ fsync, step }) => {
      const name = `${fsync}-${step}`;
      const id = `gw-ack-${name}`;
      const machine = `e2e-ack-${name}`;
      const key = await brain.createGateway(id);
      const dir = path.join(root, name);
      const file = writeConfig(
        dir,
        "gateway.yaml",
        `gateway: { id: ${id}, dataDir: ./data }
brain: { url: "${brain.url}", apiKey: "\${TEST_API_KEY}" }
buffer: { fsync: ${fsync}, fsyncInterval: 10s }
uplink: { maxBatchReadings: 40, maxBatchAge: 100ms, retryInitial: 100ms, retryMax: 500ms, timeout: 5s }
health: { port: 0 }
devices:
  - id: ${machine}
    points: { file: ${JSON.stringify(ROBOT_DEVICE_FILE)} }
    connection: { port: ${cell.port} }
    intervalMs: 50
`,
      );
      const journalDir = path.join(dir, "data", "journal");
      // 1. a backlog while the brain is down, then run until the fault: the process kills itself
      await brain.stop();
      const arm = path.join(dir, "arm-fault");
      const first = new GatewayProcess(["run", "-c", file], {
        TEST_API_KEY: key,
        WEFT_FAULT_AT: `${step}:${step.includes("cursor") ? 2 : 1}`,
        WEFT_FAULT_ARMED_BY: arm,
        WEFT_BOOT_ID: `${name}-boot-1`,
      });
      await first.waitForLog("gateway started");
      await waitUntil(
        "a backlog",
        () => first.logs.some((l) => l.msg === "upload failed; will retry"),
        30_000,
      );
      await new Promise((r) => setTimeout(r, 2000));
      fs.writeFileSync(arm, "");
      await brain.start();
      expect(await first.exited).toBeNull(); // SIGKILL: no exit code
      const fault = JSON.parse(fs.readFileSync(path.join(dir, "data", "fault.json"), "utf8")) as Fault;
      expect(fault.step).toBe(step);
      // 2. what the journal held at the crash, and what the cursor on disk knew
      const held = journalOnDisk(journalDir);
      const cursor = JSON.parse(fs.readFileSync(path.join(journalDir, "cursor.json"), "utf8")) as CursorState;
      // 3. power cut: only fsynced bytes survive
      if (fault.synced.segment)
        fs.truncateSync(path.join(journalDir, fault.synced.segment), fault.synced.bytes);
      // 4. restart on a new boot, let it upload, stop it cleanly
      const second = new GatewayProcess(["run", "-c", file, "--drain", "15"], {
        TEST_API_KEY: key,
        WEFT_BOOT_ID: `${name}-boot-2`,
      });
      const started = await second.waitForLog("gateway started");
      const health = String(started.health);
      const before = (await brain.batches(id)).length;
      await waitUntil(
        "uploads after the restart",
        async () => (await brain.batches(id)).length >= before + 5,
        30_000,
        () => second.tail(),
      );
      const status = await second.status(health);
      second.kill("SIGTERM");
      expect(await second.exited).toBe(0);
      const stopped = await second.waitForLog("gateway stopped");
      expect(stopped.pendingReadings).toBe(0);
      // 5. count every reading the journal held at the crash
      const stored = await brain.readingKeys(machine);
      let lost = 0;
      let lostKnown = 0;
      let unsynced = 0;
      for (const [seq, keys] of held) {
        const missing = keys.filter((k) => !stored.has(k)).length;
        lost += missing;
        if (seq <= cursor.highSeq) lostKnown += missing;
        if (seq > fault.synced.seq) unsynced += keys.length;
      }
      const duplicated = [...stored.values()].reduce((a, n) => a + n - 1, 0);
      const reported = status.buffer.lossTotals["power-cut"];
      console.log(
        JSON.stringify({
          fsync,
          step,
          held: [...held.values()].flat().length,
          unsynced,
          lost,
          lostKnown,
          duplicated,
          reported,
        }),
      );
      expect(duplicated).toBe(0);
      expect(status.buffer.lossTotals["torn-tail"].readings + status.buffer.lossTotals.damaged.readings).toBe(
        0,
      );
      if (fsync === "batch") {
        expect(lost).toBe(0);
        expect(reported).toEqual({ batches: 0, readings: 0 });
        expect(status.buffer.losses).toEqual([]);
      } else {
        // bounded by the fsync window: only what was not fsynced can be lost
        expect(lost).toBeLessThanOrEqual(unsynced);
        // reported exactly for every batch the cursor had recorded; the rest is named as possible
        expect(reported.readings).toBe(lostKnown);
        const entry = status.buffer.losses.find((l) => l.reason === "power-cut");
        expect(entry).toBeDefined();
        expect(entry?.note).toMatch(/may be lost too/);
      }
    },
  );
});
