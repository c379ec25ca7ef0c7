/**
 * `pnpm bench modbus`: poll float32 points from the robot simulator (child processes, so their
 * CPU is not counted) and measure, in one run:
 * - our MBAP client vs modbus-serial's own TCP client (ModbusRTU + TcpPort), both driven by the
 *   same connector code: same coalesced read plan (125 registers), same queue, 8 requests in
 *   flight (modbus-serial matches answers by MBAP transaction id, so it pipelines too), same
 *   decoding — only the client differs. Figure: CPU ms per 1,000 points, alternating runs.
 * - the naive baseline: one request per point, one in flight.
 * - scale: 1,000 simulated devices (several simulator processes) × 100 points at 1 s polled by
 *   one process, as a gateway's Modbus connectors run: CPU share and RSS.
 * Last stdout line: one JSON object with the figures; progress goes to stderr.
 */
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type ProcessTree, spawnNodeTs } from "@weft/test-processes";
import { ModbusConnector } from "../src/connector.ts";
import { modbus } from "../src/factory.ts";
import type { TcpClientFactory } from "../src/internal/link.ts";
import { ModbusSerial, type ModbusSerialClient } from "../src/internal/modbus-serial.ts";
import { LinkRegistry } from "../src/internal/registry.ts";

const POINTS = 10_000;
const SUSTAINED_DEVICES = 10; // 10 devices × 10,000 points at a 1 s interval = 100,000 points/s
const SCALE_DEVICES = Number(process.env.BENCH_DEVICES ?? 1000);
const SCALE_POINTS = 100;
const SCALE_SIMS = 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASE = 1000;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const progress = (msg: string) => process.stderr.write(`[modbus bench] ${msg}\n`);

interface Sim {
  port: number;
  tree: ProcessTree;
}

async function startSimulator(floats: number): Promise<Sim> {
  const tree = spawnNodeTs(here("../../simulators/src/bin.ts"), [
    "robot",
    "--port",
    "0",
    "--extra-float32",
    String(floats),
  ]);
  tree.child.stderr?.resume();
  const port = await tree.announced((m) => (typeof m.port === "number" ? m.port : undefined));
  return { port, tree };
}

const floatPoints = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `f${i}`,
    area: "input",
    address: BASE + i * 2,
    type: "float32",
  }));
const points = floatPoints(POINTS);

const modbusSerialTcp: TcpClientFactory = (host, port) =>
  new ModbusSerial(new ModbusSerial.TcpPort(host, { port })) as unknown as ModbusSerialClient;

function connector(
  port: number,
  extra: Record<string, unknown>,
  client?: TcpClientFactory,
  pts: unknown[] = points,
): ModbusConnector {
  const config = modbus.parseConfig({
    connection: { transport: "tcp", host: "127.0.0.1", port },
    timeoutMs: 5000,
    points: pts,
    ...extra,
  });
  return new ModbusConnector(config, new LinkRegistry(client));
}

interface Run {
  points: number;
  requests: number;
  seconds: number;
  cpuPct: number;
  /** CPU ms of this process per 1,000 points delivered. */
  cpuMsPer1k: number;
  /** The simulators' CPU share over the same window (Linux /proc), to show they are not the bottleneck. */
  simCpuPct: number;
}

/** CPU seconds used so far by processes (utime + stime from /proc), or NaN off Linux. */
function cpuSecondsOf(pids: readonly number[]): number {
  let s = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      s += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return Number.NaN;
    }
  }
  return s;
}

function measure(simPids: readonly number[]) {
  const cpu0 = process.cpuUsage();
  const sim0 = cpuSecondsOf(simPids);
  const t0 = performance.now();
  return (pointsDone: number, requests: number): Run => {
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuS = (cpu.user + cpu.system) / 1e6;
    return {
      points: pointsDone,
      requests,
      seconds,
      cpuPct: (cpuS / seconds) * 100,
      cpuMsPer1k: pointsDone > 0 ? (cpuS * 1e6) / pointsDone : Number.NaN,
      simCpuPct: ((cpuSecondsOf(simPids) - sim0) / seconds) * 100,
    };
  };
}

/** Call readOnce back to back for `seconds`; count points and requests. */
async function pollFor(c: ModbusConnector, seconds: number, simPids: readonly number[]): Promise<Run> {
  await c.readOnce(); // warm up: connect, JIT
  await c.readOnce();
  const before = c.status().counters.requests;
  const done = measure(simPids);
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const r = await c.readOnce();
    for (const x of r) if (x.quality === "good") n++;
  }
  const run = done(n, c.status().counters.requests - before);
  await c.stop();
  return run;
}

/** Run connectors at their interval for `seconds`; measure delivered points and this process's CPU. */
async function sustained(cs: ModbusConnector[], seconds: number, simPids: readonly number[]): Promise<Run> {
  let delivered = 0;
  let counting = false;
  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per connector
  await Promise.all(
    cs.map((c) =>
      c.start({
        signal: abort.signal,
        sink: (rs) => {
          if (counting) for (const r of rs) if (r.quality === "good") delivered++;
        },
      }),
    ),
  );
  await new Promise((r) => setTimeout(r, 3000)); // connect and settle
  const req0 = cs.reduce((n, c) => n + c.status().counters.requests, 0);
  counting = true;
  const done = measure(simPids);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const run = done(delivered, cs.reduce((n, c) => n + c.status().counters.requests, 0) - req0);
  abort.abort();
  await Promise.all(cs.map((c) => c.stop()));
  return run;
}

const range = (xs: number[], digits = 1) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/**
 * The scale run in a fresh process of its own (this file with `--scale PORT…`), so its RSS and CPU are
 * those of a poller with 1,000 connectors and nothing else.
 */
async function scaleInChild(sims: readonly Sim[]): Promise<Run & { rssMb: number; rssBeforeMb: number }> {
  const child = spawnNodeTs(here("modbus.bench.ts"), [
    "--scale",
    ...sims.map((s) => `${s.port}:${s.tree.pid}`),
  ]);
  child.child.stderr?.pipe(process.stderr);
  const out = await child.output(120_000);
  if (out.code !== 0) throw new Error(`scale run exited with ${out.code}`);
  const last = out.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as Run & { rssMb: number; rssBeforeMb: number };
}

async function scaleChild(sims: { port: number; pid: number }[]): Promise<void> {
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const devices = Array.from({ length: SCALE_DEVICES }, (_, i) =>
    connector(
      sims[i % sims.length]?.port ?? 0,
      { intervalMs: 1000, maxInFlight: 2 },
      undefined,
      floatPoints(SCALE_POINTS),
    ),
  );
  let rssMb = 0;
  const timer = setInterval(() => {
    rssMb = Math.max(rssMb, process.memoryUsage().rss / 2 ** 20);
  }, 200);
  const run = await sustained(
    devices,
    10,
    sims.map((s) => s.pid),
  );
  clearInterval(timer);
  console.log(JSON.stringify({ ...run, rssMb, rssBeforeMb }));
}

const sims: Sim[] = [];
const scaleArg = process.argv.indexOf("--scale");
if (scaleArg >= 0) {
  await scaleChild(
    process.argv.slice(scaleArg + 1).map((a) => {
      const [port, pid] = a.split(":").map(Number);
      return { port: port ?? 0, pid: pid ?? 0 };
    }),
  );
  process.exit(0);
}
try {
  progress(`starting the simulator (${POINTS} float32 points)`);
  const sim = await startSimulator(POINTS);
  sims.push(sim);
  const pid = [sim.tree.pid];
  progress("naive: 1 point per request, 1 in flight (4 s)");
  const naive = await pollFor(
    connector(sim.port, { limits: { maxRegisters: 2, maxGapRegisters: 0 }, maxInFlight: 1 }),
    4,
    pid,
  );
  const ours: Run[] = [];
  const lib: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    progress(`round ${i + 1}/${ROUNDS}: our MBAP client, then modbus-serial's TCP client (4 s each)`);
    ours.push(await pollFor(connector(sim.port, { maxInFlight: 8 }), 4, pid));
    lib.push(await pollFor(connector(sim.port, { maxInFlight: 8 }, modbusSerialTcp), 4, pid));
  }
  progress(`sustained: ${SUSTAINED_DEVICES} devices × ${POINTS} points at 1 s (6 s)`);
  const steady = await sustained(
    Array.from({ length: SUSTAINED_DEVICES }, () =>
      connector(sim.port, { intervalMs: 1000, maxInFlight: 4 }),
    ),
    6,
    pid,
  );
  await sim.tree.stop();
  sims.length = 0;

  progress(
    `scale: ${SCALE_SIMS} simulator processes, ${SCALE_DEVICES} devices × ${SCALE_POINTS} points at 1 s`,
  );
  for (let i = 0; i < SCALE_SIMS; i++) sims.push(await startSimulator(SCALE_POINTS));
  const scale = await scaleInChild(sims);

  const rate = (r: Run) => r.points / r.seconds;
  const oursMs = median(ours.map((r) => r.cpuMsPer1k));
  const libMs = median(lib.map((r) => r.cpuMsPer1k));
  const cheaper = libMs / oursMs;
  const row = (name: string, r: Run) =>
    `${name.padEnd(48)} ${rate(r).toFixed(0).padStart(10)} ${(r.requests / r.seconds).toFixed(0).padStart(10)} ${r.cpuMsPer1k.toFixed(2).padStart(9)} ${r.cpuPct.toFixed(1).padStart(7)}% ${r.simCpuPct.toFixed(1).padStart(9)}%`;
  const [l1, l5, l15] = (await import("node:os")).loadavg();
  console.log(`modbus bench: float32 points from robot simulators (child processes), TCP loopback`);
  console.log(`load average ${l1?.toFixed(2)} ${l5?.toFixed(2)} ${l15?.toFixed(2)}`);
  console.log(
    `${"run".padEnd(48)} ${"points/s".padStart(10)} ${"requests/s".padStart(10)} ${"ms CPU/1k".padStart(9)} ${"poller".padStart(8)} ${"simulator".padStart(10)}`,
  );
  console.log(row("baseline: naive (1 point/request, 1 in flight)", naive));
  for (let i = 0; i < ROUNDS; i++) {
    const o = ours[i];
    const l = lib[i];
    if (o) console.log(row(`ours: MBAP client, 125 regs, 8 in flight #${i + 1}`, o));
    if (l) console.log(row(`baseline: modbus-serial TCP, same plan #${i + 1}`, l));
  }
  console.log(row(`sustained ${SUSTAINED_DEVICES}×${POINTS} @ 1 s (ours)`, steady));
  console.log(row(`scale ${SCALE_DEVICES} devices×${SCALE_POINTS} @ 1 s (ours)`, scale));
  console.log(
    `CPU per 1k points, median of ${ROUNDS}: ours ${oursMs.toFixed(2)} ms (${range(
      ours.map((r) => r.cpuMsPer1k),
      2,
    )}), modbus-serial ${libMs.toFixed(2)} ms (${range(
      lib.map((r) => r.cpuMsPer1k),
      2,
    )}): ours ${cheaper.toFixed(2)}× cheaper (bar: ≥ 1.5×)`,
  );
  const ratio = median(ours.map(rate)) / rate(naive);
  console.log(`throughput coalesced/naive: ${ratio.toFixed(1)}× (target ≥ 50×)`);
  console.log(
    `scale: ${rate(scale).toFixed(0)} of ${SCALE_DEVICES * SCALE_POINTS} points/s at ${scale.cpuPct.toFixed(1)}% of one core, RSS ${scale.rssMb.toFixed(0)} MB peak (${scale.rssBeforeMb.toFixed(0)} MB before the connectors) — a process running the ${SCALE_DEVICES} Modbus connectors only, no journal or uplink; simulators ${scale.simCpuPct.toFixed(1)}%`,
  );
  console.log(
    JSON.stringify({
      bench: "modbus",
      points_per_s: Math.round(median(ours.map(rate))),
      baseline_points_per_s: Math.round(rate(naive)),
      ratio: Math.round(ratio * 10) / 10,
      cpu_ms_per_1k_points: Math.round(oursMs * 100) / 100,
      modbus_serial_cpu_ms_per_1k_points: Math.round(libMs * 100) / 100,
      modbus_serial_points_per_s: Math.round(median(lib.map(rate))),
      ours_cheaper_ratio: Math.round(cheaper * 100) / 100,
      sustained_points_per_s: Math.round(rate(steady)),
      cpu_pct_of_core: Math.round(steady.cpuPct * 10) / 10,
      scale_devices: SCALE_DEVICES,
      scale_points_per_s: Math.round(rate(scale)),
      scale_cpu_pct_of_core: Math.round(scale.cpuPct * 10) / 10,
      scale_rss_mb: Math.round(scale.rssMb),
      load_avg_1m: Math.round((l1 ?? 0) * 100) / 100,
    }),
  );
} finally {
  await Promise.all(sims.map((s) => s.tree.stop()));
}
process.exit(0);
