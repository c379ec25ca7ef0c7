import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { ROBOT_DEVICE_FILE, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { cleanup, tempDir } from "@weft/test-processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "./brain.ts";
import { GatewayProcess, journalOnDisk, sleep, waitUntil, writeConfig } from "./process.ts";

/**
 * A SEQ_CONFLICT while another upload's answer is lost, with real processes: the gateway CLI as a
 * child process, the real brain (PGlite, or PostgreSQL with DATABASE_URL), the robot-cell
 * simulator over Modbus TCP. Seq 1 of the gateway is stored beforehand with other readings (a
 * data dir restored from nothing reuses it), so the upload A from seq 1 on meets a SEQ_CONFLICT.
 * A proxy in front of the brain answers 503 for a moment (a backlog builds up, so two uploads go
 * out at once after it), passes A and the next upload B on, and holds the brain's answer to B
 * (stored) back past the gateway's upload timeout. The gateway must not renumber B and send it
 * again: every reading it journaled is counted at the brain, lost and duplicated, exactly.
 */
let brain: TestBrain;
let cell: RobotCell;
let proxy: Server | null = null;
const root = tempDir("weft-gw-timeouts-");
const TIMEOUT_MS = 2000;

beforeAll(async () => {
  brain = await startTestBrain();
  cell = await startRobotCell({ port: 0, seed: 5, speed: 60 });
}, 120_000);
afterAll(async () => {
  await cleanup(); // the gateway first (also one a failed test left running), then what it talks to
  proxy?.closeAllConnections();
  proxy?.close();
  await cell?.close();
  await brain?.close();
});

interface ProxyLog {
  pushes: { seq: number; parts: number; status: number; late: boolean }[];
}

/**
 * Passes everything to the brain, except: uploads in the `busyMs` from the first one are answered
 * 503 (the brain is starting; a backlog builds up, so two uploads go out at once afterwards), and
 * the brain's answer to the first upload it stores is held back past the gateway's upload timeout.
 */
async function lateAnswerProxy(
  target: string,
  busyMs: number,
): Promise<{ url: string; server: Server; log: ProxyLog }> {
  const log: ProxyLog = { pushes: [] };
  let busyUntil = 0;
  let lateDone = false;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const isPush = req.url?.includes("ingest.push") ?? false;
    let seq = -1;
    let parts = 1;
    if (isPush) {
      const json = req.headers["content-encoding"] === "gzip" ? gunzipSync(body) : body;
      const b = JSON.parse(json.toString("utf8")) as { seq: number; parts?: unknown[] };
      seq = b.seq;
      parts = b.parts?.length ?? 1;
    }
    if (isPush && busyUntil === 0) busyUntil = Date.now() + busyMs;
    if (isPush && Date.now() < busyUntil) {
      log.pushes.push({ seq, parts, status: 503, late: false });
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end(
        JSON.stringify({
          error: {
            message: "the brain is starting",
            data: { code: "SERVICE_UNAVAILABLE", weftCode: "UNAVAILABLE" },
          },
        }),
      );
      return;
    }
    try {
      const up = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.method === "POST" ? body : undefined,
      });
      const answer = Buffer.from(await up.arrayBuffer());
      const late = isPush && up.status === 200 && !lateDone;
      if (late) lateDone = true;
      if (isPush) log.pushes.push({ seq, parts, status: up.status, late });
      if (late) await sleep(TIMEOUT_MS + 1500); // stored, but the gateway has given up on the answer
      if (res.destroyed) return;
      res.writeHead(up.status, { "content-type": "application/json" });
      res.end(answer);
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
  return { url, server, log };
}

describe("seq conflict while another upload's answer comes after the timeout", () => {
  it("the upload the brain stored late is not renumbered and stored again: 0 lost, 0 duplicated", {
    timeout: 120_000,
  }, async () => {
    const id = "gw-timeouts";
    const machine = "e2e-timeouts";
    const key = await brain.createGateway(id);
    // seq 1 is held with other readings: the gateway's first batch meets a SEQ_CONFLICT
    const pre = await fetch(`${brain.url}/ingest.push`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        gatewayId: id,
        seq: 1,
        readings: [
          { machine: "e2e-timeouts-other", point: "p", ts: Date.now() - 60_000, value: 1, quality: "good" },
        ],
      }),
    });
    expect(pre.status).toBe(200);
    const p = await lateAnswerProxy(new URL(brain.url).origin, 4000);
    proxy = p.server;
    const dir = path.join(root, "gw");
    const file = writeConfig(
      dir,
      "gateway.yaml",
      `gateway: { id: ${id}, dataDir: ./data }
brain: { url: "${p.url}", apiKey: "\${TEST_API_KEY}" }
uplink: { maxBatchReadings: 40, maxBatchAge: 100ms, retryInitial: 100ms, retryMax: 500ms, timeout: ${TIMEOUT_MS}ms, maxInFlight: 2, maxUploadReadings: 200 }
health: { port: 0 }
devices:
  - id: ${machine}
    points: { file: ${JSON.stringify(ROBOT_DEVICE_FILE)} }
    connection: { port: ${cell.port} }
    intervalMs: 50
`,
    );
    const gw = new GatewayProcess(["run", "-c", file, "--drain", "15"], { TEST_API_KEY: key });
    const started = await gw.waitForLog("gateway started");
    const renumbered = await gw.waitForLog(
      "seq conflict: the brain holds this seq with other readings (a restored or reused data dir?); unsent batches renumbered, nothing lost",
      30_000,
    );
    // the upload whose answer came too late was settled by sending it again under its old seqs
    // keep running a while after the renumbering: new batches flow under the new seqs
    const after = (await brain.batches(id)).length;
    await waitUntil(
      "uploads after the renumbering",
      async () => (await brain.batches(id)).length >= after + 10,
      30_000,
      () => gw.tail(),
    );
    const status = await gw.status(String(started.health));
    gw.kill("SIGTERM");
    expect(await gw.exited).toBe(0);
    const stopped = await gw.waitForLog("gateway stopped");
    expect(stopped.pendingReadings).toBe(0);
    // every reading the journal held (one 8 MB segment: nothing compacted away) against the brain
    const held = journalOnDisk(path.join(dir, "data", "journal"));
    expect(held.has(1)).toBe(true);
    const stored = await brain.readingKeys(machine);
    const all = [...held.values()].flat();
    const lost = all.filter((k) => !stored.has(k)).length;
    const duplicated = [...stored.values()].reduce((a, n) => a + n - 1, 0);
    const late = p.log.pushes.filter((x) => x.late);
    console.log(
      JSON.stringify({
        held: all.length,
        stored: stored.size,
        lost,
        duplicated,
        renumberings: status.uplink?.renumberings,
        resolvedByResend: renumbered.resolvedByResend,
        firstPushes: p.log.pushes.slice(0, 6),
      }),
    );
    expect(late).toHaveLength(1);
    expect(p.log.pushes.some((x) => x.seq === 1 && x.status === 409)).toBe(true);
    expect(status.uplink?.renumberings).toBe(1);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(stored.size).toBe(all.length);
    expect(renumbered.resolvedByResend).toBeGreaterThanOrEqual(1);
    expect(await brain.readingKeys("e2e-timeouts-other")).toEqual(new Map([[expect.any(String), 1]]));
  });
});
