import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { cleanup, tempDir } from "@weft/test-processes";
import pino from "pino";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Journal } from "../journal/journal.ts";
import { createBrainClient } from "./client.ts";
import { Uplink } from "./uplink.ts";

/**
 * A seq conflict while another upload's answer is lost. The brain is a real HTTP server speaking
 * the ingest contract (`ingest.push` with `parts`, dedupe on (seq, digest), 409 SEQ_CONFLICT with
 * the brain's last seq, `ingest.state`), scripted to store an upload and answer it only after the
 * gateway's client timed out, or to lose a request without storing it. The gateway side is the real
 * journal, brain client and uplink. Every reading is then counted at the server: lost, duplicated.
 */
const root = tempDir("weft-gw-resync-");
afterAll(async () => {
  await cleanup();
});

interface Push {
  seq: number;
  parts?: { seq: number; count: number }[];
  readings: BatchReading[];
}

type Script = (push: Push, call: number) => "normal" | "late" | "lost";

interface FakeBrain {
  url: string;
  server: Server;
  /** How many times each reading (machine/point@ts) was stored. */
  stored: Map<string, number>;
  /** Seqs of the pushes the server saw, in order. */
  pushes: number[];
  /** Pre-store `seq` with readings of another data dir (what makes a SEQ_CONFLICT). */
  preStore(seq: number, readings: BatchReading[]): void;
}

const key = (r: BatchReading) => `${r.machine}/${r.point}@${r.ts}`;

async function fakeBrain(script: Script, lateMs: number): Promise<FakeBrain> {
  const batches = new Map<number, string>(); // seq → digest (the readings' JSON)
  const stored = new Map<string, number>();
  const pushes: number[] = [];
  let lastSeq: number | null = null;
  const store = (seq: number, readings: BatchReading[]) => {
    batches.set(seq, JSON.stringify(readings));
    lastSeq = Math.max(lastSeq ?? seq, seq);
    for (const r of readings) stored.set(key(r), (stored.get(key(r)) ?? 0) + 1);
  };
  const send = (res: import("node:http").ServerResponse, status: number, body: unknown) => {
    if (res.destroyed) return; // the gateway gave up on this answer
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.url?.startsWith("/trpc/ingest.state")) {
      send(res, 200, { result: { data: { lastSeq, batches: [] } } });
      return;
    }
    const push = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Push;
    pushes.push(push.seq);
    const how = script(push, pushes.length);
    if (how === "lost") return; // never stored, never answered: the client times out
    const parts = push.parts ?? [{ seq: push.seq, count: push.readings.length }];
    let at = 0;
    const sliced = parts.map((p) => {
      const readings = push.readings.slice(at, at + p.count);
      at += p.count;
      return { seq: p.seq, readings, digest: JSON.stringify(readings) };
    });
    const conflicts = sliced.filter((p) => batches.has(p.seq) && batches.get(p.seq) !== p.digest);
    if (conflicts.length > 0) {
      const seq = Math.min(...conflicts.map((c) => c.seq));
      send(res, 409, {
        error: {
          message: `seq ${seq} was stored before with other readings; nothing of this upload was stored`,
          data: {
            code: "CONFLICT",
            weftCode: "SEQ_CONFLICT",
            details: { seq, conflicts: conflicts.length, lastSeq },
          },
        },
      });
      return;
    }
    const duplicateParts = sliced.filter((p) => batches.has(p.seq)).map((p) => p.seq);
    for (const p of sliced) if (!batches.has(p.seq)) store(p.seq, p.readings);
    const answer = {
      result: {
        data: {
          accepted: push.readings.length,
          duplicate: duplicateParts.length === sliced.length,
          duplicateParts,
          rejected: [],
          registered: [],
        },
      },
    };
    if (how === "late") setTimeout(() => send(res, 200, answer), lateMs);
    else send(res, 200, answer);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`,
    server,
    stored,
    pushes,
    preStore: store,
  };
}

const servers: Server[] = [];
const journals: Journal[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
  for (const j of journals.splice(0)) j.close();
});

const T = Date.UTC(2026, 0, 1);
const readings = (n: number, from: number, machine = "m1"): BatchReading[] =>
  Array.from({ length: n }, (_, i) => ({
    machine,
    point: "p",
    ts: T + from + i,
    value: from + i,
    quality: "good",
  }));

const TIMEOUT_MS = 300;

/**
 * 8 journal batches of 100 readings, two uploads of 4 batches in flight: A (seqs 1–4) meets a
 * SEQ_CONFLICT (seq 1 is held with other readings), B (seqs 5–8) is handled as `script` says.
 */
async function run(
  script: Script,
  preStored: number[] = [1],
  opts: {
    /** Seqs a previous run of the gateway sent, the brain stored, and whose answer that run lost. */
    storedBeforeRestart?: number[];
    maxInFlight?: number;
  } = {},
) {
  const brain = await fakeBrain(script, TIMEOUT_MS * 3);
  servers.push(brain.server);
  for (const s of preStored) brain.preStore(s, readings(1, 1_000_000 + s, "other"));
  for (const s of opts.storedBeforeRestart ?? []) brain.preStore(s, readings(100, (s - 1) * 100));
  const journal = Journal.open({
    dir: path.join(root, `j-${Math.random().toString(36).slice(2)}`),
    fsync: "off",
    cursorFlushMs: 100,
  });
  journals.push(journal);
  const append = () => {
    for (let i = 0; i < 8; i++) journal.append(readings(100, i * 100));
  };
  // A restarted gateway finds its batches pending in the journal; otherwise they come while it runs.
  const restarted = opts.storedBeforeRestart !== undefined;
  if (restarted) append();
  const logs: { msg: string; [k: string]: unknown }[] = [];
  const logger = pino(
    { level: "info" },
    { write: (line: string) => logs.push(JSON.parse(line) as { msg: string }) },
  );
  const uplink = new Uplink({
    journal,
    client: createBrainClient({ url: brain.url, apiKey: "k", compression: "none", timeoutMs: TIMEOUT_MS }),
    gatewayId: "gw-1",
    logger,
    retryInitialMs: 50,
    retryMaxMs: 200,
    maxInFlight: opts.maxInFlight ?? 2,
    maxUploadReadings: 400,
  });
  uplink.start();
  if (!restarted) append(); // before the loop's first await: all 8 are there when it reads
  const until = Date.now() + 20_000;
  while (journal.stats().pendingBatches > 0 && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  await uplink.stop();
  const mine = [...brain.stored].filter(([k]) => k.startsWith("m1/"));
  const expected = Array.from({ length: 800 }, (_, i) => `m1/p@${T + i}`);
  const result = {
    pending: journal.stats().pendingBatches,
    stored: mine.length,
    lost: expected.filter((k) => !brain.stored.has(k)).length,
    duplicated: mine.reduce((a, [, n]) => a + n - 1, 0),
    renumberings: uplink.status().renumberings,
    wire: journal.stats().renumbered,
  };
  console.log(JSON.stringify({ pushes: brain.pushes, ...result }));
  return { ...result, brain, logs };
}

const RENUMBERED = "seq conflict: the brain holds this seq";
const WAITING = "seq conflict: the brain may hold batches";

/** The first `n` pushes that start at seq 5 (upload B) are handled as `how`, the rest normally. */
const firstB =
  (n: number, how: "late" | "lost"): Script =>
  (p) =>
    p.seq === 5 && n-- > 0 ? how : "normal";

describe("seq conflict while another upload's answer is lost", () => {
  it("an upload the brain stored but answered too late is not sent again under new seqs", async () => {
    const r = await run(firstB(1, "late"));
    expect(r).toMatchObject({ pending: 0, stored: 800, lost: 0, duplicated: 0, renumberings: 1 });
    const log = r.logs.find((l) => l.msg.startsWith(RENUMBERED));
    expect(log).toMatchObject({ localSeq: 1, resolvedByResend: 4, notOurs: 0 });
  });

  it("an upload lost before the brain stored it is stored under its old seqs, once", async () => {
    const r = await run(firstB(1, "lost"));
    expect(r).toMatchObject({ pending: 0, stored: 800, lost: 0, duplicated: 0, renumberings: 1 });
  });

  it("a maybe-stored batch whose old seq the brain holds with other readings is renumbered with the rest", async () => {
    // seq 6 is held with other readings too: B's resend conflicts there; 5, 7, 8 are stored as they are
    const r = await run(firstB(1, "lost"), [1, 6]);
    expect(r).toMatchObject({ pending: 0, stored: 800, lost: 0, duplicated: 0, renumberings: 1 });
    const log = r.logs.find((l) => l.msg.startsWith(RENUMBERED));
    expect(log).toMatchObject({ localSeq: 1, resolvedByResend: 3, notOurs: 1 });
  });

  it("never renumbers while a batch is still uncertain: waits until the brain answers", async () => {
    // B's answer comes late three times: its first send, the resend in resync, the next round's send
    const r = await run(firstB(3, "late"));
    expect(r).toMatchObject({ pending: 0, stored: 800, lost: 0, duplicated: 0, renumberings: 1 });
    expect(r.logs.filter((l) => l.msg.startsWith(RENUMBERED))).toHaveLength(1);
    expect(r.logs.filter((l) => l.msg.startsWith(WAITING)).length).toBeGreaterThanOrEqual(1);
  });
});

describe("seq conflict after a restart that lost an upload's answer", () => {
  it("batches the previous run got stored are not stored again under new seqs", async () => {
    // The previous run sent 5–8, the brain stored them, the answer and the process were lost. This
    // run sends 1–4 first (one upload in flight) and meets the conflict before it sends 5–8 again.
    const r = await run(() => "normal", [1], { storedBeforeRestart: [5, 6, 7, 8], maxInFlight: 1 });
    expect(r).toMatchObject({ pending: 0, stored: 800, lost: 0, duplicated: 0, renumberings: 1 });
    const log = r.logs.find((l) => l.msg.startsWith(RENUMBERED));
    // 2–4 stored under their old seqs, 5–8 found held: only seq 1 is renumbered
    expect(log).toMatchObject({ localSeq: 1, resolvedByResend: 7, notOurs: 0 });
  });

  it("pending batches above the brain's last seq are known not stored and are not resent first", async () => {
    // The brain's last seq is 5 (ours): 6–8 cannot be held, so only 2–5 are sent under old seqs.
    const r = await run(() => "normal", [1], { storedBeforeRestart: [5], maxInFlight: 1 });
    expect(r).toMatchObject({ pending: 0, stored: 800, lost: 0, duplicated: 0, renumberings: 1 });
    const log = r.logs.find((l) => l.msg.startsWith(RENUMBERED));
    expect(log).toMatchObject({ localSeq: 1, resolvedByResend: 4, notOurs: 0 });
  });

  it("a restored data dir whose every seq the brain holds with other readings is renumbered whole", async () => {
    const r = await run(() => "normal", [1, 2, 3, 4, 5, 6, 7, 8], {
      storedBeforeRestart: [],
      maxInFlight: 1,
    });
    expect(r).toMatchObject({ pending: 0, stored: 800, lost: 0, duplicated: 0, renumberings: 1 });
    const log = r.logs.find((l) => l.msg.startsWith(RENUMBERED));
    expect(log).toMatchObject({ localSeq: 1, resolvedByResend: 0, notOurs: 7 });
  });
});
