/**
 * `pnpm bench gateway`: end-to-end readings/s from simulators through the gateway's
 * durable buffer to a brain on PostgreSQL, and the replay rate of a 5-minute backlog
 * left by a brain outage. Gateway = the real CLI in a child process; brain, simulators
 * and PostgreSQL on the same machine. Baseline in the same run: the brain alone
 * (batches pushed straight to ingest.push) and the journal alone (append + read back).
 * Last stdout line: {"bench":"gateway","e2e_readings_per_s":…,"replay_readings_per_s":…,"lost":…,"duplicated":…}
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { createDb, type DbHandle } from "@weft/db";
import { type DemoGateway, seedDemo, startBrain } from "@weft/industry-brain";
import { type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { sql } from "drizzle-orm";
import { Journal } from "../src/journal/journal.ts";
import { createBrainClient } from "../src/uplink/client.ts";
import { GatewayProcess, sleep, waitUntil } from "../test/e2e/process.ts";

const CELLS = Number(process.env.BENCH_CELLS ?? 12);
const FLOATS = Number(process.env.BENCH_FLOATS ?? 500);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 100);
const MEASURE_S = Number(process.env.BENCH_MEASURE_S ?? 15);
const BACKLOG_RATE = Number(process.env.BENCH_BACKLOG_RATE ?? 2000);
const BACKLOG_READINGS = BACKLOG_RATE * 300;
const BATCH = 5000;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 2);

const baseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `weft_bench_gw_${process.pid}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "weft-bench-gw-"));

async function createBenchDb(): Promise<{ db: DbHandle; drop: () => Promise<void> }> {
  const admin = await createDb({ url: baseUrl, migrate: false, max: 1 });
  await admin.query(sql.raw(`create database "${dbName}"`));
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  const db = await createDb({ url: url.toString(), max: 8 });
  return {
    db,
    drop: async () => {
      await db.close();
      await admin.query(sql.raw(`drop database if exists "${dbName}" with (force)`));
      await admin.close();
    },
  };
}

async function stored(db: DbHandle, gatewayId: string): Promise<{ batches: number[]; readings: number }> {
  const rows = await db.query<{ seq: string | number; reading_count: number }>(
    sql`select seq, reading_count from ingested_batches where gateway_id = ${gatewayId} order by seq`,
  );
  return {
    batches: rows.map((r) => Number(r.seq)),
    readings: rows.reduce((a, r) => a + Number(r.reading_count), 0),
  };
}

async function rawRows(db: DbHandle, machines: string[]): Promise<number> {
  const rows = await db.query<{ n: string }>(
    sql`select count(*) as n from readings r join machines m on m.id = r.machine_id where m.key in ${machines}`,
  );
  return Number(rows[0]?.n ?? 0);
}

function gatewayConfig(dir: string, gw: DemoGateway, brainUrl: string, devices: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "gateway.yaml");
  fs.writeFileSync(
    file,
    `gateway: { id: ${gw.gatewayId}, dataDir: ./data }
brain: { url: "${brainUrl}", apiKey: "${gw.apiKey}", compression: none }
uplink: { maxBatchReadings: ${BATCH}, maxBatchAge: 250ms, retryInitial: 100ms, retryMax: 1s, maxInFlight: ${IN_FLIGHT} }
buffer: { fsync: batch, maxBytes: 2GiB }
health: { port: 0 }
devices:
${devices}`,
  );
  return file;
}

function cellDevice(i: number, port: number): string {
  const pts = Array.from(
    { length: FLOATS },
    (_, k) => `      - { id: f${k}, area: input, address: ${1000 + k * 2}, type: float32 }`,
  ).join("\n");
  return `  - id: bench-cell-${i}
    connector: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: ${port} }
    intervalMs: ${POLL_MS}
    maxInFlight: 4
    points:
${pts}
`;
}

async function journalBaseline(): Promise<number> {
  const j = Journal.open({ dir: path.join(tmp, "baseline-journal"), fsync: "batch", cursorFlushMs: 60_000 });
  const batch = syntheticBatch(0, Date.now());
  const t0 = performance.now();
  let n = 0;
  for (let i = 0; i < 40; i++) n += j.append(batch).ok ? batch.length : 0;
  let read = 0;
  for (let b = j.next(0); b; b = j.next(b.seq)) read += b.readings.length;
  const s = (performance.now() - t0) / 1000;
  j.close();
  return Math.round((n + read) / 2 / s);
}

function syntheticBatch(offset: number, start: number, spanMs = 0, prefix = "bench-replay"): BatchReading[] {
  return Array.from({ length: BATCH }, (_, k) => ({
    machine: `${prefix}-${k % 10}`,
    point: `f${k % 500}`,
    ts: start + Math.floor(((offset + k) / BACKLOG_READINGS) * spanMs),
    value: (offset + k) / 7,
    quality: "good" as const,
  }));
}

async function brainBaseline(url: string, gw: DemoGateway): Promise<number> {
  const client = createBrainClient({ url, apiKey: gw.apiKey, compression: "none", timeoutMs: 60_000 });
  const now = Date.now() - 300_000;
  const n = 24;
  const t0 = performance.now();
  for (let i = 0; i < n; i++)
    await client.push(
      JSON.stringify({
        gatewayId: gw.gatewayId,
        seq: i + 1,
        readings: syntheticBatch(i * BATCH, now, 60_000, "bench-direct"),
      }),
    );
  return Math.round((n * BATCH) / ((performance.now() - t0) / 1000));
}

async function main(): Promise<void> {
  const { db, drop } = await createBenchDb();
  const demo = await seedDemo(db);
  const [gwE2e, gwReplay, gwBase] = demo.gateways;
  if (!gwE2e || !gwReplay || !gwBase) throw new Error("demo seed needs three gateways");
  const brain = await startBrain({ db, port: 0, limits: { ingestPerMinute: 10_000_000 } });
  const brainUrl = `${brain.url}/trpc`;
  const cells: RobotCell[] = [];
  try {
    const journalRate = await journalBaseline();
    const brainRate = await brainBaseline(brainUrl, gwBase);

    // Replay: a 5-minute backlog (BACKLOG_RATE readings/s) left in the journal by an outage.
    const replayDir = path.join(tmp, "replay");
    const j = Journal.open({
      dir: path.join(replayDir, "data", "journal"),
      fsync: "off",
      maxBytes: 2 * 1024 ** 3,
    });
    const start = Date.now() - 300_000;
    for (let off = 0; off < BACKLOG_READINGS; off += BATCH)
      j.append(syntheticBatch(off, start, Number(process.env.BENCH_SPAN ?? 300_000)));
    j.close();
    const replayFile = gatewayConfig(
      replayDir,
      gwReplay,
      brainUrl,
      "  - { id: idle, connector: modbus, enabled: false, connection: { transport: tcp, host: 127.0.0.1 }, points: [{ id: x, area: coil, address: 0 }] }\n",
    );
    const rgw = new GatewayProcess(["run", "-c", replayFile, "--log-level", "warn"]);
    await waitUntil(
      "replay started",
      async () => (await stored(db, gwReplay.gatewayId)).batches.length > 0,
      60_000,
    );
    const first = await stored(db, gwReplay.gatewayId);
    const r0 = performance.now();
    try {
      await waitUntil(
        "replay done",
        async () => (await stored(db, gwReplay.gatewayId)).readings >= BACKLOG_READINGS,
        240_000,
      );
    } catch (e) {
      console.error(rgw.logs.slice(-20));
      throw e;
    }
    const replaySeconds = (performance.now() - r0) / 1000;
    rgw.kill("SIGTERM");
    await rgw.exited;
    const rep = await stored(db, gwReplay.gatewayId);
    const repRows = await rawRows(
      db,
      Array.from({ length: 10 }, (_, k) => `bench-replay-${k}`),
    );
    const replayRate = Math.round((BACKLOG_READINGS - first.readings) / replaySeconds);
    const lostReplay = BACKLOG_READINGS - rep.readings;
    const dupReplay = repRows - rep.readings;

    // End to end: CELLS robot simulators × FLOATS float32 points every POLL_MS.
    for (let i = 0; i < CELLS; i++)
      cells.push(await startRobotCell({ port: 0, seed: i + 1, extraFloat32: FLOATS }));
    const e2eFile = gatewayConfig(
      path.join(tmp, "e2e"),
      gwE2e,
      brainUrl,
      cells.map((c, i) => cellDevice(i, c.port)).join(""),
    );
    const gw = new GatewayProcess(["run", "-c", e2eFile, "--log-level", "info", "--drain", "60"]);
    await sleep(6000);
    const a = await stored(db, gwE2e.gatewayId);
    const t0 = performance.now();
    await sleep(MEASURE_S * 1000);
    const b = await stored(db, gwE2e.gatewayId);
    const e2eRate = Math.round((b.readings - a.readings) / ((performance.now() - t0) / 1000));
    gw.kill("SIGTERM");
    await gw.exited;
    const end = gw.logs.find((l) => l.msg === "gateway stopped") as unknown as
      | { readingsTotal: number; lastSeq: number }
      | undefined;
    const after = await stored(db, gwE2e.gatewayId);
    const machines = cells.map((_, i) => `bench-cell-${i}`);
    const rows = await rawRows(db, machines);
    const missingSeqs = end ? end.lastSeq - after.batches.length : Number.NaN;
    const lostE2e = end ? end.readingsTotal - after.readings : Number.NaN;
    const dupE2e = rows - after.readings;
    for (const c of cells.splice(0)) await c.close();

    const lost = Math.max(0, lostE2e) + Math.max(0, lostReplay) + Math.max(0, missingSeqs);
    const duplicated = Math.max(0, dupE2e) + Math.max(0, dupReplay);
    const row = (k: string, v: string | number) => console.log(`${k.padEnd(52)} ${String(v).padStart(14)}`);
    console.log(
      `\ngateway bench: ${CELLS} Modbus robot cells × ${FLOATS} float32 every ${POLL_MS} ms, batches of ${BATCH}, fsync per batch, brain on PostgreSQL (${os.cpus().length} cores)`,
    );
    row("baseline: journal append+read (readings/s)", journalRate);
    row("baseline: brain ingest.push alone (readings/s)", brainRate);
    row("end to end: simulators → gateway → brain (readings/s)", e2eRate);
    row("  readings taken / stored", `${end?.readingsTotal ?? "?"} / ${after.readings}`);
    row(`replay: ${BACKLOG_READINGS} readings (5 min × ${BACKLOG_RATE}/s) (readings/s)`, replayRate);
    row("  replay time (s)", replaySeconds.toFixed(1));
    row("lost (readings)", lost);
    row("duplicated (readings)", duplicated);
    console.log(
      JSON.stringify({
        bench: "gateway",
        e2e_readings_per_s: e2eRate,
        replay_readings_per_s: replayRate,
        lost,
        duplicated,
      }),
    );
  } finally {
    for (const c of cells) await c.close();
    await brain.close();
    await drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
