import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { cleanup, tempDir } from "@weft/test-processes";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Journal } from "../../src/journal/journal.ts";
import { createBrainClient } from "../../src/uplink/client.ts";
import { Uplink } from "../../src/uplink/uplink.ts";
import { startTestBrain, type TestBrain } from "./brain.ts";
import { waitUntil } from "./process.ts";

/** The uplink against the real brain: seq conflicts, batches refused for good, rejected readings. */
let brain: TestBrain;
const root = tempDir("weft-gw-uplink-");
const logger = pino({ level: "silent" });
const T = Date.now() - 60_000;

beforeAll(async () => {
  brain = await startTestBrain();
}, 120_000);
afterAll(async () => {
  await brain?.close();
  await cleanup();
});

const readings = (machine: string, n: number, from: number, point = "p"): BatchReading[] =>
  Array.from({ length: n }, (_, i) => ({
    machine,
    point,
    ts: T + from + i,
    value: from + i,
    quality: "good",
  }));

function uplinkFor(dir: string, gatewayId: string, apiKey: string, url = brain.url, extra = {}) {
  const journal = Journal.open({ dir: path.join(root, dir), fsync: "off", cursorFlushMs: 100 });
  const client = createBrainClient({ url, apiKey, compression: "gzip", timeoutMs: 10_000 });
  const uplink = new Uplink({
    journal,
    client,
    gatewayId,
    logger,
    retryInitialMs: 50,
    retryMaxMs: 200,
    ...extra,
  });
  return { journal, uplink };
}

async function drain(journal: Journal, uplink: Uplink): Promise<void> {
  uplink.start();
  await waitUntil(
    "the journal drained",
    () => journal.stats().pendingBatches === 0,
    30_000,
    () => JSON.stringify(uplink.status()),
  );
  await uplink.stop();
  journal.close();
}

describe("uplink against the brain", () => {
  it("a data dir restored from nothing reuses seqs: SEQ_CONFLICT, renumbered above the brain's last seq, nothing lost", async () => {
    const key = await brain.createGateway("gw-up-conflict");
    const a = uplinkFor("conflict-a", "gw-up-conflict", key);
    for (let i = 0; i < 5; i++) a.journal.append(readings("up-conflict", 10, i * 10));
    await drain(a.journal, a.uplink);
    // the same gateway, its data dir lost: it starts again at seq 1 with new readings
    const b = uplinkFor("conflict-b", "gw-up-conflict", key);
    for (let i = 0; i < 4; i++) b.journal.append(readings("up-conflict", 10, 1000 + i * 10));
    const stats = b.journal.stats();
    await drain(b.journal, b.uplink);
    expect(b.uplink.status().renumberings).toBe(1);
    expect(stats.lastSeq).toBe(4);
    const seqs = (await brain.batches("gw-up-conflict")).map((x) => x.seq);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const keys = await brain.readingKeys("up-conflict");
    expect(keys.size).toBe(90);
    expect([...keys.values()].every((n) => n === 1)).toBe(true);
  });

  it("a batch the brain refuses for good goes to the dead-letter area with the reason; the batches around it are delivered", async () => {
    const key = await brain.createGateway("gw-up-dead");
    // "Press 01" is not a valid machine key: the brain refuses that batch as a whole, forever
    const u = uplinkFor("dead", "gw-up-dead", key);
    u.journal.append(readings("up-dead", 5, 0));
    u.journal.append(readings("Press 01", 3, 0));
    u.journal.append(readings("up-dead", 5, 5));
    u.journal.append([
      ...readings("up-dead", 2, 10),
      { ...readings("up-dead", 1, 12)[0], ts: 8.64e15 + 1 } as BatchReading,
    ]);
    const dir = path.join(root, "dead");
    await drain(u.journal, u.uplink);
    expect((await brain.readingKeys("up-dead")).size).toBe(12);
    const j = Journal.open({ dir, cursorFlushMs: 60_000 });
    const s = j.stats();
    j.close();
    expect(s.deadLetters.batches).toBe(1);
    expect(s.deadLetters.readings).toBe(4);
    expect(s.deadLetters.latest.map((d) => [d.seq, d.kind, d.code, d.readings])).toEqual([
      [2, "batch", "VALIDATION_FAILED", 3],
      [4, "readings", "REJECTED", 1],
    ]);
    expect(s.deadLetters.latest[0]?.reason).toMatch(/lowercase letters/);
    expect(s.deadLetters.latest[1]?.reason).toMatch(/ahead of the brain's clock/);
  });

  it("retries 503 after the brain's Retry-After and delivers once", async () => {
    const key = await brain.createGateway("gw-up-503");
    const target = new URL(brain.url);
    let refused = 0;
    const at: number[] = [];
    // a proxy that answers 503 (database down) twice, then passes requests to the brain
    const proxy = createServer(async (req, res) => {
      at.push(Date.now());
      if (req.url?.includes("ingest.push") && refused < 2) {
        refused++;
        req.resume();
        res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
        res.end(
          JSON.stringify({
            error: {
              message: "the database is unavailable",
              data: { code: "SERVICE_UNAVAILABLE", weftCode: "UNAVAILABLE" },
            },
          }),
        );
        return;
      }
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const up = await fetch(`${target.origin}${req.url}`, {
        method: req.method,
        headers: req.headers as Record<string, string>,
        body: req.method === "POST" ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(up.status, { "content-type": "application/json" });
      res.end(Buffer.from(await up.arrayBuffer()));
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/trpc`;
      const u = uplinkFor("retry", "gw-up-503", key, url);
      u.journal.append(readings("up-503", 7, 0));
      await drain(u.journal, u.uplink);
      expect(refused).toBe(2);
      expect((at[1] ?? 0) - (at[0] ?? 0)).toBeGreaterThanOrEqual(950);
      expect((at[2] ?? 0) - (at[1] ?? 0)).toBeGreaterThanOrEqual(950);
      expect((await brain.batches("gw-up-503")).map((b) => b.seq)).toEqual([1]);
      expect((await brain.readingKeys("up-503")).size).toBe(7);
    } finally {
      proxy.close();
    }
  });

  it("drains a backlog in merged uploads: each buffered batch stored once, timestamps kept", async () => {
    const key = await brain.createGateway("gw-up-merge");
    const u = uplinkFor("merge", "gw-up-merge", key, brain.url, { maxUploadReadings: 1000 });
    for (let i = 0; i < 40; i++) u.journal.append(readings("up-merge", 100, i * 100));
    await drain(u.journal, u.uplink);
    const batches = await brain.batches("gw-up-merge");
    expect(batches.map((b) => b.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(u.uplink.status().sentBatches).toBe(40);
    expect(u.uplink.status().uploads).toBeLessThanOrEqual(5);
    const keys = await brain.readingKeys("up-merge");
    expect(keys.size).toBe(4000);
    expect(keys.get(`p@${T + 3999}`)).toBe(1);
  });
});
