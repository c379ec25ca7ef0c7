/**
 * `pnpm bench replay`: how fast a day-long backlog drains after a brain outage. The journal of a
 * 500 readings/s gateway that could not upload for 24 h — 43.2 M readings in 250-reading batches —
 * is built by code, then the real gateway CLI (a child process) replays it into a brain on
 * PostgreSQL (this process) while the progress is printed. Target: ≤ 10 min (≥ 72 k readings/s),
 * nothing lost, nothing duplicated. Baseline in the same run: the brain alone, the same uploads
 * pushed straight to ingest.push. Env: BENCH_HOURS (default 24), BENCH_RATE (500),
 * BENCH_RECORD (250), BENCH_UPLOAD (readings per upload, 20000), BENCH_IN_FLIGHT (uplink.maxInFlight, 2), BENCH_GW_NODE_ARGS
 * (node flags for the gateway process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 * Last stdout line: {"bench":"replay","readings":…,"seconds":…,"readings_per_s":…,"lost":…,"duplicated":…}
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createDb, type DbHandle } from "@weft/db";
import { type DemoGateway, seedDemo, startBrain } from "@weft/industry-brain";
import { cleanup, tempDir } from "@weft/test-processes";
import { sql } from "drizzle-orm";
import { Journal } from "../src/journal/journal.ts";
import type { GatewayStatus } from "../src/runtime/status.ts";
import { createBrainClient } from "../src/uplink/client.ts";
import { GatewayProcess, sleep } from "../test/e2e/process.ts";

const HOURS = Number(process.env.BENCH_HOURS ?? 24);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const RECORD = Number(process.env.BENCH_RECORD ?? 250);
const UPLOAD = Number(process.env.BENCH_UPLOAD ?? 20_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 2);
const MACHINES = 10;
const POINTS = RATE / MACHINES; // each machine: POINTS points sampled once a second
const TOTAL = HOURS * 3600 * RATE;
const RECORDS = Math.ceil(TOTAL / RECORD);
const TARGET_S = 600;

const baseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `weft_bench_replay_${process.pid}`;
const tmp = tempDir("weft-bench-replay-");

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

/**
 * The journal of a gateway that buffered HOURS of readings: reading i is sample ⌊i / RATE⌋ (one
 * second apart) of point i mod POINTS of machine ⌊i / POINTS⌋ mod MACHINES. Payloads are written
 * as JSON text directly (Journal.appendEncoded): building 43 M reading objects would take longer
 * than the replay.
 */
function buildJournal(dir: string, start: number, prefix: string): void {
  const j = Journal.open({ dir, fsync: "off", maxBytes: 64 * 1024 ** 3, segmentBytes: 64 * 1024 ** 2 });
  const t0 = performance.now();
  for (let r = 0; r < RECORDS; r++) {
    const from = r * RECORD;
    const to = Math.min(TOTAL, from + RECORD);
    let json = "[";
    for (let i = from; i < to; i++) {
      const second = Math.floor(i / RATE);
      const machine = Math.floor(i / POINTS) % MACHINES;
      json += `${i === from ? "" : ","}{"machine":"${prefix}-${machine}","point":"p${i % POINTS}","ts":${start + second * 1000},"value":${(i % 9973) / 8},"quality":"good"}`;
    }
    const res = j.appendEncoded(Buffer.from(`${json}]`), to - from, start + Math.floor(from / RATE) * 1000);
    if (!res.ok) throw new Error("the bench journal is full");
    if (r % 20_000 === 0 && r > 0)
      console.log(
        `progress: built ${r} of ${RECORDS} batches (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
      );
  }
  j.close();
  console.log(
    `progress: journal of ${TOTAL} readings in ${RECORDS} batches built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

async function stored(db: DbHandle, gatewayId: string): Promise<{ batches: number; readings: number }> {
  const [row] = await db.query<{ b: string | number; r: string | number | null }>(
    sql`select count(*) as b, sum(reading_count) as r from ingested_batches where gateway_id = ${gatewayId}`,
  );
  return { batches: Number(row?.b ?? 0), readings: Number(row?.r ?? 0) };
}

async function rawRows(db: DbHandle, prefix: string): Promise<number> {
  const [row] = await db.query<{ n: string | number }>(
    sql`select count(*) as n from readings r join machines m on m.id = r.machine_id where m.key like ${`${prefix}-%`}`,
  );
  return Number(row?.n ?? 0);
}

/** The brain alone: the same uploads (UPLOAD readings, merged batches) pushed straight, for 20 s. */
async function brainBaseline(url: string, gw: DemoGateway): Promise<number> {
  const start = Date.now() - 3 * 3600_000;
  const client = createBrainClient({ url, apiKey: gw.apiKey, compression: "none", timeoutMs: 120_000 });
  const parts = UPLOAD / RECORD;
  let seq = 0;
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 20_000) {
    const readings: string[] = [];
    const partList: { seq: number; count: number }[] = [];
    for (let p = 0; p < parts; p++) {
      partList.push({ seq: seq + p + 1, count: RECORD });
      for (let k = 0; k < RECORD; k++) {
        const i = (seq + p) * RECORD + k;
        readings.push(
          `{"machine":"bench-base-${Math.floor(i / POINTS) % MACHINES}","point":"p${i % POINTS}","ts":${start + Math.floor(i / RATE) * 1000},"value":${i % 97},"quality":"good"}`,
        );
      }
    }
    await client.push(
      `{"gatewayId":"${gw.gatewayId}","seq":${seq + 1},"parts":${JSON.stringify(partList)},"readings":[${readings.join(",")}]}`,
    );
    seq += parts;
    n += UPLOAD;
  }
  return Math.round(n / ((performance.now() - t0) / 1000));
}

async function main(): Promise<void> {
  const { db, drop } = await createBenchDb();
  const demo = await seedDemo(db);
  const [gwReplay, gwBase] = demo.gateways;
  if (!gwReplay || !gwBase) throw new Error("demo seed needs two gateways");
  const brain = await startBrain({ db, port: 0, limits: { ingestPerMinute: 10_000_000 }, background: false });
  const brainUrl = `${brain.url}/trpc`;
  let gw: GatewayProcess | null = null;
  try {
    const load = os.loadavg()[0]?.toFixed(1);
    console.log(
      `replay bench: ${HOURS} h × ${RATE} readings/s = ${TOTAL} readings in ${RECORDS} batches of ${RECORD}; uploads of ${UPLOAD}, ${IN_FLIGHT} in flight; brain on PostgreSQL; ${os.cpus().length} cores, load ${load} at start`,
    );
    const baseline = await brainBaseline(brainUrl, gwBase);
    console.log(`progress: brain alone ${baseline} readings/s`);
    const dir = path.join(tmp, "gw");
    const start = Date.now() - HOURS * 3600_000 - 60_000;
    buildJournal(path.join(dir, "data", "journal"), start, "bench-replay");
    fs.writeFileSync(
      path.join(dir, "gateway.yaml"),
      `gateway: { id: ${gwReplay.gatewayId}, dataDir: ./data }
brain: { url: "${brainUrl}", apiKey: "${gwReplay.apiKey}", compression: none }
uplink: { maxUploadReadings: ${UPLOAD}, maxInFlight: ${IN_FLIGHT}, retryInitial: 100ms, retryMax: 2s, timeout: 120s }
buffer: { fsync: batch, maxBytes: 64GiB, segmentBytes: 64MiB }
health: { port: 0 }
devices:
  - { id: idle, connector: modbus, enabled: false, connection: { transport: tcp, host: 127.0.0.1 }, points: [{ id: x, area: coil, address: 0 }] }
`,
    );
    gw = new GatewayProcess(
      ["run", "-c", path.join(dir, "gateway.yaml"), "--drain", "0"],
      {},
      process.env.BENCH_GW_NODE_ARGS?.split(" ").filter(Boolean) ?? [],
    );
    const health = String((await gw.waitForLog("gateway started", 300_000)).health);
    const t0 = performance.now();
    let last = { at: t0, readings: 0 };
    let done = await stored(db, gwReplay.gatewayId);
    // Polled every second (progress printed every 5 s), so a short backlog's time is not rounded up
    // to the next 5 s poll.
    let polls = 0;
    while (done.readings < TOTAL) {
      await sleep(1000);
      if (!gw.running) throw new Error(`the gateway exited:\n${gw.tail(40)}`);
      done = await stored(db, gwReplay.gatewayId);
      if (++polls % 5 !== 0 && done.readings < TOTAL) continue;
      const now = performance.now();
      const rate = (done.readings - last.readings) / ((now - last.at) / 1000);
      last = { at: now, readings: done.readings };
      const s = (await (await fetch(`${health}/status`)).json()) as GatewayStatus;
      const eta = `, gateway: backlog ${s.buffer.pendingReadings}, drain ${Math.round(s.uplink?.drainPerSecond ?? 0)}/s, ETA ${s.buffer.etaSeconds === null ? "-" : `${Math.round(s.buffer.etaSeconds)} s`}`;
      console.log(
        `progress: ${((now - t0) / 1000).toFixed(0)} s, ${done.readings} of ${TOTAL} stored (${((100 * done.readings) / TOTAL).toFixed(1)} %), ${Math.round(rate)} readings/s now${eta}, load ${os.loadavg()[0]?.toFixed(1)}`,
      );
      if ((now - t0) / 1000 > 3 * TARGET_S)
        throw new Error("the replay took over three times its target; stopping");
    }
    const seconds = (performance.now() - t0) / 1000;
    gw.kill("SIGTERM");
    await gw.exited;
    const rows = await rawRows(db, "bench-replay");
    const lost = TOTAL - done.readings;
    const duplicated = rows - done.readings + Math.max(0, done.batches - RECORDS);
    const perS = Math.round(TOTAL / seconds);
    const row = (k: string, v: string | number) => console.log(`${k.padEnd(48)} ${String(v).padStart(14)}`);
    console.log("");
    row("backlog (readings)", TOTAL);
    row("batches in the journal / stored at the brain", `${RECORDS} / ${done.batches}`);
    row("baseline: brain alone, same uploads (readings/s)", baseline);
    row("replay: journal → gateway → brain (readings/s)", perS);
    row("replay time (s)", seconds.toFixed(1));
    row(
      `target: ≤ ${TARGET_S} s (≥ ${Math.round(TOTAL / TARGET_S)} readings/s)`,
      seconds <= TARGET_S ? "met" : "missed",
    );
    row("load average (1 min) at the end", os.loadavg()[0]?.toFixed(1) ?? "?");
    row("lost (readings)", lost);
    row("duplicated (readings)", duplicated);
    console.log(
      JSON.stringify({
        bench: "replay",
        readings: TOTAL,
        batches: RECORDS,
        seconds: Math.round(seconds * 10) / 10,
        readings_per_s: perS,
        baseline_brain_readings_per_s: baseline,
        target_met: seconds <= TARGET_S,
        lost,
        duplicated,
      }),
    );
  } finally {
    if (gw?.running) gw.kill("SIGKILL");
    await brain.close();
    await drop();
    await cleanup();
  }
}

await main();
process.exit(0);
