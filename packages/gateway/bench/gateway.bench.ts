/**
 * `pnpm bench gateway`: the end-to-end capacity from simulators through the gateway's durable buffer to
 * a brain on PostgreSQL, and the replay rate of a 5-minute backlog left by a brain outage.
 * Gateway = the real CLI in a child process; simulators = `weft-sim robot` child processes; the brain
 * runs in this process (so this process's CPU is the brain's); PostgreSQL on the same machine.
 * Capacity: the offered load is ramped (more robot cells × 500 float32 every 100 ms) until the brain
 * stores less than 95% of it or the gateway's backlog grows; `capacity_readings_per_s` is the highest
 * stored rate of a sustained step, with the CPU split (gateway, brain, PostgreSQL backends, simulators).
 * Baselines in the same run: the brain alone (batches pushed straight to ingest.push) and the journal
 * alone (append + read back). Progress goes to stderr; the last stdout line is one JSON object.
 */
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { BatchReading } from "@weft/core";
import { createDb, type DbHandle } from "@weft/db";
import { type DemoGateway, seedDemo, startBrain } from "@weft/industry-brain";
import { type ProcessTree, spawnNodeTs, tempDir } from "@weft/test-processes";
import { sql } from "drizzle-orm";
import { Journal } from "../src/journal/journal.ts";
import type { GatewayStatus } from "../src/runtime/status.ts";
import { createBrainClient } from "../src/uplink/client.ts";
import { GatewayProcess, sleep, waitUntil } from "../test/e2e/process.ts";

/** Offered loads of the ramp, readings/s (cells = load / (FLOATS × 1000 / POLL_MS)); it stops at the first step not sustained. */
const STEPS = (process.env.BENCH_STEPS ?? "25000,50000,75000,100000,125000,150000,200000,250000,300000")
  .split(",")
  .map(Number);
const SIMS = 2;
const FLOATS = Number(process.env.BENCH_FLOATS ?? 500);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 100);
const MEASURE_S = Number(process.env.BENCH_MEASURE_S ?? 10);
const BACKLOG_RATE = Number(process.env.BENCH_BACKLOG_RATE ?? 2000);
const BACKLOG_READINGS = BACKLOG_RATE * 300;
const BATCH = 5000;
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 2);

const baseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `weft_bench_gw_${process.pid}`;
// Removed in `finally`, and by @weft/test-processes when this process exits or a later run finds it orphaned.
const tmp = tempDir("weft-bench-gw-");
const progress = (m: string) => process.stderr.write(`[gateway bench] ${m}\n`);

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

function gatewayConfig(
  dir: string,
  gw: DemoGateway,
  brainUrl: string,
  devices: string,
  healthPort = 0,
): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "gateway.yaml");
  fs.writeFileSync(
    file,
    `gateway: { id: ${gw.gatewayId}, dataDir: ./data }
brain: { url: "${brainUrl}", apiKey: "${gw.apiKey}", compression: none }
uplink: { maxBatchReadings: ${BATCH}, maxBatchAge: 250ms, retryInitial: 100ms, retryMax: 1s, maxInFlight: ${IN_FLIGHT} }
buffer: { fsync: batch, maxBytes: 2GiB }
health: { port: ${healthPort} }
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

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function startSimulator(seed: number): Promise<{ port: number; tree: ProcessTree }> {
  const bin = fileURLToPath(new URL("../../simulators/src/bin.ts", import.meta.url));
  const tree = spawnNodeTs(bin, [
    "robot",
    "--port",
    "0",
    "--seed",
    String(seed),
    "--extra-float32",
    String(FLOATS),
  ]);
  tree.child.stderr?.resume();
  const port = await tree.announced((m) => (typeof m.port === "number" ? m.port : undefined));
  return { port, tree };
}

/** CPU seconds used so far by a process (utime + stime from /proc), 0 once it is gone. */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return 0;
  }
}

const cpuSeconds = (pids: readonly number[]) => pids.reduce((s, p) => s + cpuOf(p), 0);

/** PostgreSQL backends serving the bench database (the brain's pool). */
async function pgBackends(db: DbHandle): Promise<number[]> {
  const rows = await db.query<{ pid: number }>(
    sql`select pid from pg_stat_activity where datname = ${dbName}`,
  );
  return rows.map((r) => Number(r.pid));
}

interface Step {
  offered: number;
  cells: number;
  stored: number;
  taken: number;
  backlogGrowth: number;
  sustained: boolean;
  /** The most frequent states of the brain's PostgreSQL backends during the step (samples every 250 ms). */
  waits: string;
  cpu: { gateway: number; brain: number; postgres: number; simulators: number };
}

async function snapshot(
  db: DbHandle,
  gwId: string,
  healthUrl: string,
  pids: { gateway: number; sims: number[] },
) {
  const backends = await pgBackends(db);
  const status = (await (await fetch(`${healthUrl}/status`)).json()) as GatewayStatus;
  const s = await stored(db, gwId);
  const brain = process.cpuUsage();
  return {
    t: performance.now(),
    stored: s.readings,
    taken: status.readingsTotal,
    pending: status.buffer.pendingReadings,
    backends: new Map(backends.map((p) => [p, cpuOf(p)])),
    cpu: {
      gateway: cpuOf(pids.gateway),
      brain: (brain.user + brain.system) / 1e6,
      simulators: cpuSeconds(pids.sims),
    },
  };
}

/**
 * What the brain's PostgreSQL backends are doing, sampled every 250 ms until `stop` resolves:
 * counts of `active: <wait event>` (or `active: cpu`), `idle in transaction`, `idle`. Where the time goes
 * when the brain falls behind without using its CPU.
 */
async function sampleWaits(db: DbHandle, stop: Promise<void>): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let done = false;
  void stop.then(() => {
    done = true;
  });
  while (!done) {
    const rows = await db.query<{ state: string | null; w: string | null }>(
      sql`select state, wait_event_type || ':' || wait_event as w from pg_stat_activity
          where datname = ${dbName} and pid <> pg_backend_pid()`,
    );
    for (const r of rows) {
      const k = r.state === "active" ? `active ${r.w ?? "cpu"}` : (r.state ?? "?");
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    await sleep(250);
  }
  return counts;
}

const topWaits = (m: Map<string, number>) =>
  [...m]
    .filter(([k]) => k !== "idle")
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([k, n]) => `${k} ×${n}`)
    .join(", ");

async function main(): Promise<void> {
  const { db, drop } = await createBenchDb();
  const demo = await seedDemo(db);
  const [gwE2e, gwReplay, gwBase] = demo.gateways;
  if (!gwE2e || !gwReplay || !gwBase) throw new Error("demo seed needs three gateways");
  const brain = await startBrain({ db, port: 0, limits: { ingestPerMinute: 10_000_000 } });
  const brainUrl = `${brain.url}/trpc`;
  const sims: { port: number; tree: ProcessTree }[] = [];
  try {
    progress("baselines: journal append + read back, then brain ingest.push alone");
    const journalRate = await journalBaseline();
    const brainRate = await brainBaseline(brainUrl, gwBase);
    progress(
      `replay: writing a ${BACKLOG_READINGS}-reading backlog to a journal, then draining it through the gateway CLI`,
    );

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

    // Capacity: ramp the offered load; one gateway (same id and data dir) restarted with more cells per step.
    progress(`starting ${SIMS} robot simulator processes (${FLOATS} float32 each)`);
    for (let i = 0; i < SIMS; i++) sims.push(await startSimulator(i + 1));
    const e2eDir = path.join(tmp, "e2e");
    const perCell = (FLOATS * 1000) / POLL_MS;
    const steps: Step[] = [];
    let taken = 0;
    let unsent = 0;
    let maxCells = 0;
    for (const offered of STEPS) {
      const cells = Math.max(1, Math.round(offered / perCell));
      maxCells = Math.max(maxCells, cells);
      const healthPort = await freePort();
      const file = gatewayConfig(
        e2eDir,
        gwE2e,
        brainUrl,
        Array.from({ length: cells }, (_, i) => cellDevice(i, sims[i % SIMS]?.port ?? 0)).join(""),
        healthPort,
      );
      progress(
        `step ${steps.length + 1}/${STEPS.length}: ${cells} cells × ${FLOATS} every ${POLL_MS} ms = ${cells * perCell} readings/s offered`,
      );
      const gw = new GatewayProcess(["run", "-c", file, "--log-level", "info", "--drain", "120"]);
      const healthUrl = `http://127.0.0.1:${healthPort}`;
      const pids = { gateway: gw.pid, sims: sims.map((x) => x.tree.pid) };
      await waitUntil(
        "gateway health",
        async () =>
          fetch(`${healthUrl}/status`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
        () => gw.tail(),
      );
      await sleep(5000); // connect, warm up
      const a = await snapshot(db, gwE2e.gatewayId, healthUrl, pids);
      const measured = sleep(MEASURE_S * 1000);
      const waits = sampleWaits(db, measured);
      await measured;
      const waitSummary = topWaits(await waits);
      const b = await snapshot(db, gwE2e.gatewayId, healthUrl, pids);
      const secs = (b.t - a.t) / 1000;
      const storedRate = (b.stored - a.stored) / secs;
      const backlogGrowth = b.pending - a.pending;
      const cpu = (k: keyof typeof a.cpu) => ((b.cpu[k] - a.cpu[k]) / secs) * 100;
      // Backends of the brain's pool; one that started during the step counts from 0.
      let pgCpu = 0;
      for (const [pid, c] of b.backends) pgCpu += c - (a.backends.get(pid) ?? 0);
      const step: Step = {
        offered: cells * perCell,
        cells,
        stored: Math.round(storedRate),
        taken: Math.round((b.taken - a.taken) / secs),
        backlogGrowth,
        sustained: storedRate >= 0.95 * cells * perCell && backlogGrowth < perCell * cells * 0.5,
        waits: waitSummary,
        cpu: {
          gateway: cpu("gateway"),
          brain: cpu("brain"),
          postgres: (pgCpu / secs) * 100,
          simulators: cpu("simulators"),
        },
      };
      steps.push(step);
      progress(
        `  stored ${step.stored}/s (taken ${step.taken}/s), backlog ${backlogGrowth >= 0 ? "+" : ""}${backlogGrowth} readings; CPU % of a core: gateway ${step.cpu.gateway.toFixed(0)}, brain ${step.cpu.brain.toFixed(0)}, PostgreSQL ${step.cpu.postgres.toFixed(0)}, simulators ${step.cpu.simulators.toFixed(0)}; PostgreSQL backends: ${step.waits || "idle"}`,
      );
      gw.kill("SIGTERM");
      await gw.exited;
      const end = gw.logs.find((l) => l.msg === "gateway stopped") as unknown as
        | { readingsTotal: number; pendingReadings: number }
        | undefined;
      if (!end) throw new Error(`the gateway did not stop cleanly:\n${gw.tail()}`);
      taken += end.readingsTotal;
      // Not uploaded within the drain time: still in the journal (a restart would send it), not lost.
      unsent = end.pendingReadings;
      const warnings = gw.logs.filter((l) => l.level >= 40);
      if (warnings.length > 0)
        progress(
          `  gateway warnings: ${warnings.length}, last: ${JSON.stringify(warnings.at(-1)).slice(0, 400)}`,
        );
      if (!step.sustained) break;
    }
    const after = await stored(db, gwE2e.gatewayId);
    const rows = await rawRows(
      db,
      Array.from({ length: maxCells }, (_, i) => `bench-cell-${i}`),
    );
    const lostE2e = taken - unsent - after.readings;
    const seqGaps = after.batches.filter((q, i) => q !== i + 1).length;
    const dupE2e = rows - after.readings;
    const best = steps.filter((x) => x.sustained).sort((x, y) => y.stored - x.stored)[0];
    const capacity = best?.stored ?? 0;
    for (const x of sims.splice(0)) await x.tree.stop();

    const lost = Math.max(0, lostE2e) + Math.max(0, lostReplay) + Math.max(0, seqGaps);
    const duplicated = Math.max(0, dupE2e) + Math.max(0, dupReplay);
    const [l1, l5, l15] = os.loadavg().map((x) => x.toFixed(2));
    const row = (k: string, v: string | number) => console.log(`${k.padEnd(56)} ${String(v).padStart(14)}`);
    console.log(
      `\ngateway bench: Modbus robot cells × ${FLOATS} float32 every ${POLL_MS} ms (${SIMS} simulator processes), batches of ${BATCH}, fsync per batch, brain on PostgreSQL; ${os.cpus().length} cores, load average ${l1} ${l5} ${l15}`,
    );
    console.log(
      `${"offered/s".padStart(10)} ${"cells".padStart(6)} ${"stored/s".padStart(9)} ${"backlog Δ".padStart(10)} ${"sustained".padStart(9)}   CPU % of one core: ${"gateway".padStart(7)} ${"brain".padStart(6)} ${"postgres".padStart(8)} ${"sims".padStart(5)}`,
    );
    for (const x of steps)
      console.log(
        `${String(x.offered).padStart(10)} ${String(x.cells).padStart(6)} ${String(x.stored).padStart(9)} ${String(x.backlogGrowth).padStart(10)} ${(x.sustained ? "yes" : "no").padStart(9)}   ${"".padStart(19)}${x.cpu.gateway.toFixed(0).padStart(7)} ${x.cpu.brain.toFixed(0).padStart(6)} ${x.cpu.postgres.toFixed(0).padStart(8)} ${x.cpu.simulators.toFixed(0).padStart(5)}`,
      );
    for (const x of steps)
      console.log(`  ${x.offered}/s: PostgreSQL backends (samples every 250 ms): ${x.waits || "idle"}`);
    row("capacity: highest stored rate of a sustained step (readings/s)", capacity);
    row("  sustained = stored ≥ 95% of offered and backlog not growing", "");
    row("baseline: journal append+read alone (readings/s)", journalRate);
    row("baseline: brain ingest.push alone (readings/s)", brainRate);
    row("  readings taken / stored / left in the journal", `${taken} / ${after.readings} / ${unsent}`);
    row(`replay: ${BACKLOG_READINGS} readings (5 min × ${BACKLOG_RATE}/s) (readings/s)`, replayRate);
    row("  replay time (s)", replaySeconds.toFixed(1));
    row("lost (readings, plus seq gaps)", lost);
    row("duplicated (readings)", duplicated);
    console.log(
      JSON.stringify({
        bench: "gateway",
        capacity_readings_per_s: capacity,
        capacity_cpu_pct: best
          ? Object.fromEntries(Object.entries(best.cpu).map(([k, v]) => [k, Math.round(v)]))
          : null,
        steps: steps.map((x) => ({
          offered: x.offered,
          stored: x.stored,
          sustained: x.sustained,
          cpu_pct: Object.fromEntries(Object.entries(x.cpu).map(([k, v]) => [k, Math.round(v)])),
        })),
        e2e_readings_per_s: capacity,
        brain_alone_readings_per_s: brainRate,
        journal_alone_readings_per_s: journalRate,
        replay_readings_per_s: replayRate,
        lost,
        duplicated,
        load_avg_1m: Number(l1),
      }),
    );
  } finally {
    await Promise.all(sims.map((x) => x.tree.stop()));
    await brain.close();
    await drop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
