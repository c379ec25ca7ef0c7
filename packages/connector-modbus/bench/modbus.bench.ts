/**
 * `pnpm bench modbus`: poll float32 points from the robot simulator (run in a child process so
 * its CPU is not counted) and compare the coalesced, pipelined poller with a naive baseline
 * (one request per point, one in flight), measured in the same run.
 * Last stdout line: one JSON object with the figures.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type ModbusConnector, modbus } from "../src/index.ts";

const POINTS = 10_000;
const SUSTAINED_DEVICES = 10; // 10 devices × 10,000 points at a 1 s interval = 100,000 points/s
const BASE = 1000;
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function startSimulator(): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      new URL("../../../node_modules/tsx/dist/esm/index.mjs", import.meta.url).href,
      here("../../simulators/src/bin.ts"),
      "robot",
      "--port",
      "0",
      "--extra-float32",
      String(POINTS),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
    lines.on("line", (line) => {
      try {
        const msg = JSON.parse(line) as { port?: number };
        if (typeof msg.port === "number") resolve(msg.port);
      } catch {
        // not a log line
      }
    });
  });
  return { port, child };
}

const points = Array.from({ length: POINTS }, (_, i) => ({
  id: `f${i}`,
  area: "input",
  address: BASE + i * 2,
  type: "float32",
}));

function connector(port: number, extra: Record<string, unknown>): ModbusConnector {
  return modbus.create({
    connection: { transport: "tcp", host: "127.0.0.1", port },
    timeoutMs: 5000,
    points,
    ...extra,
  });
}

interface Run {
  points: number;
  requests: number;
  seconds: number;
  cpuPct: number;
  /** The simulator child's CPU share over the same window (Linux /proc), to show it is not the bottleneck. */
  simCpuPct?: number;
}

let simPid = 0;
/** CPU seconds used so far by the simulator process (utime + stime from /proc), or NaN off Linux. */
function simCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/${simPid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** Call readOnce back to back for `seconds`; count points and requests. */
async function pollFor(c: ModbusConnector, seconds: number): Promise<Run> {
  await c.readOnce(); // warm up: connect, JIT
  const before = c.status().counters.requests;
  const sim0 = simCpuSeconds();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const r = await c.readOnce();
    n += r.filter((x) => x.quality === "good").length;
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const simCpuPct = ((simCpuSeconds() - sim0) / elapsed) * 100;
  await c.stop();
  return {
    points: n,
    requests: c.status().counters.requests - before,
    seconds: elapsed,
    cpuPct: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
    simCpuPct,
  };
}

/** Run `devices` connectors at a 1 s interval for `seconds`; measure delivered points and this process's CPU. */
async function sustained(port: number, devices: number, seconds: number): Promise<Run> {
  let delivered = 0;
  let counting = false;
  const cs = Array.from({ length: devices }, () => connector(port, { intervalMs: 1000, maxInFlight: 4 }));
  const abort = new AbortController();
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
  await new Promise((r) => setTimeout(r, 1500)); // connect and settle
  const req0 = cs.reduce((n, c) => n + c.status().counters.requests, 0);
  counting = true;
  const cpu0 = process.cpuUsage();
  const sim0 = simCpuSeconds();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  counting = false;
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const simCpuPct = ((simCpuSeconds() - sim0) / elapsed) * 100;
  const requests = cs.reduce((n, c) => n + c.status().counters.requests, 0) - req0;
  abort.abort();
  await Promise.all(cs.map((c) => c.stop()));
  return {
    points: delivered,
    requests,
    seconds: elapsed,
    cpuPct: ((cpu.user + cpu.system) / 1e6 / elapsed) * 100,
    simCpuPct,
  };
}

const sim = await startSimulator();
simPid = sim.child.pid ?? 0;
try {
  const naive = await pollFor(
    connector(sim.port, { limits: { maxRegisters: 2, maxGapRegisters: 0 }, maxInFlight: 1 }),
    4,
  );
  const fast = await pollFor(connector(sim.port, { maxInFlight: 8 }), 4);
  const steady = await sustained(sim.port, SUSTAINED_DEVICES, 6);
  const rss = process.memoryUsage().rss / 2 ** 20;

  const rate = (r: Run) => r.points / r.seconds;
  const row = (name: string, r: Run) =>
    `${name.padEnd(36)} ${rate(r).toFixed(0).padStart(10)} ${(r.requests / r.seconds).toFixed(0).padStart(10)} ${r.cpuPct.toFixed(1).padStart(7)}% ${(r.simCpuPct ?? Number.NaN).toFixed(1).padStart(9)}%`;
  console.log(
    `modbus bench: ${POINTS} float32 points from the robot simulator (child process), TCP loopback`,
  );
  console.log(
    `${"run".padEnd(36)} ${"points/s".padStart(10)} ${"requests/s".padStart(10)} ${"poller".padStart(8)} ${"simulator".padStart(10)}`,
  );
  console.log(row("naive (1 point/request, 1 in flight)", naive));
  console.log(row("coalesced (125 regs, 8 in flight)", fast));
  console.log(row(`sustained ${SUSTAINED_DEVICES}×${POINTS} @ 1 s interval`, steady));
  const ratio = rate(fast) / rate(naive);
  console.log(`ratio coalesced/naive: ${ratio.toFixed(1)}×   (target ≥ 50×)`);
  console.log(
    `sustained: ${rate(steady).toFixed(0)} points/s at ${steady.cpuPct.toFixed(1)}% of one core (target 100,000 at ≤ 20%)`,
  );
  console.log(`RSS: ${rss.toFixed(0)} MB`);
  console.log(
    JSON.stringify({
      bench: "modbus",
      points_per_s: Math.round(rate(fast)),
      baseline_points_per_s: Math.round(rate(naive)),
      ratio: Math.round(ratio * 10) / 10,
      sustained_points_per_s: Math.round(rate(steady)),
      cpu_pct_of_core: Math.round(steady.cpuPct * 10) / 10,
      rss_mb: Math.round(rss),
    }),
  );
} finally {
  sim.child.kill("SIGTERM");
}
