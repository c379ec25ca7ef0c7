/**
 * `pnpm bench opcua`: N monitored items (default 50,000) that each change every second,
 * across as many subscriptions as the connector needs. The server runs in a child
 * process so only the client's CPU is measured. Prints notifications/s, values dropped
 * (counted by sequence: every counter must rise by exactly 1), CPU % of one core and
 * RSS, next to a bare node-opcua client in the same run.
 * Env: WEFT_BENCH_ITEMS (default 50000), WEFT_BENCH_SECONDS (measurement window, default 10).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { Reading } from "@weft/core";
import {
  AttributeIds,
  ClientMonitoredItemGroup,
  LogLevel,
  OPCUAClient,
  setLogLevel,
  TimestampsToReturn,
} from "node-opcua";
import { type OpcuaConnector, opcuaConnector } from "../src/index.ts";

setLogLevel(LogLevel.Emergency);
const ITEMS = Number(process.env.WEFT_BENCH_ITEMS ?? 50_000);
const SECONDS = Number(process.env.WEFT_BENCH_SECONDS ?? 10);
const PER_SUB = 10_000;
/**
 * Server-side queue per item, the same for both clients: 2 values, so a publish cycle that
 * comes late on a loaded machine does not overwrite a counter value (as a gateway would
 * configure points whose every value matters).
 */
const QUEUE = 2;
const here = dirname(fileURLToPath(import.meta.url));

async function startServer(): Promise<{ child: ChildProcess; endpointUrl: string }> {
  const tsx = join(here, "..", "..", "..", "node_modules", ".bin", "tsx");
  const child = spawn(tsx, [join(here, "counter-server.ts"), String(ITEMS)], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: join(here, ".."),
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    if (line.startsWith("{"))
      return { child, endpointUrl: (JSON.parse(line) as { endpointUrl: string }).endpointUrl };
  }
  throw new Error("bench server exited before it listened");
}

interface Measure {
  notificationsPerS: number;
  dropped: number;
  cpuPctOfCore: number;
  rssMb: number;
}

/** Resolves once notifications arrived and then stopped for 150 ms (the end of a publish burst). */
async function afterBurst(count: () => number): Promise<void> {
  const start = count();
  while (count() === start) await new Promise((r) => setTimeout(r, 10));
  let last = count();
  let quietSince = performance.now();
  while (performance.now() - quietSince < 150) {
    await new Promise((r) => setTimeout(r, 10));
    if (count() !== last) {
      last = count();
      quietSince = performance.now();
    }
  }
}

/** Count for SECONDS after every item has delivered a first value. */
async function measure(count: () => number, dropped: () => number, ready: () => boolean): Promise<Measure> {
  const deadline = Date.now() + 120_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error("items never all reported");
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1500)); // settle
  // the window starts and ends just after a once-a-second burst, so it holds whole bursts
  await afterBurst(count);
  const n0 = count();
  const d0 = dropped();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000 - 500));
  await afterBurst(count);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  return {
    notificationsPerS: Math.round(((count() - n0) * 1000) / wall),
    dropped: dropped() - d0,
    cpuPctOfCore: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10,
    rssMb: Math.round(process.memoryUsage().rss / 1048576),
  };
}

async function weft(endpointUrl: string, pkiFolder: string): Promise<Measure> {
  const last = new Float64Array(ITEMS).fill(-1);
  let seen = 0;
  let count = 0;
  let dropped = 0;
  const idx = new Map<string, number>();
  const points = Array.from({ length: ITEMS }, (_, i) => {
    idx.set(`c${i}`, i);
    return { id: `c${i}`, nodeId: `ns=1;s=Counter.${i}`, samplingIntervalMs: 0, queueSize: QUEUE };
  });
  const c = opcuaConnector.create({
    endpointUrl,
    pki: { folder: pkiFolder },
    acquisition: { publishingIntervalMs: 1000, maxMonitoredItemsPerSubscription: PER_SUB },
    requestTimeoutMs: 60_000,
    points,
  }) as OpcuaConnector;
  const sink = (batch: readonly Reading[]) => {
    for (const r of batch) {
      if (r.quality !== "good") continue;
      const i = idx.get(r.point);
      if (i === undefined) continue;
      const v = Number(r.value);
      const prev = last[i] ?? -1;
      count++;
      if (prev < 0) seen++;
      else if (v > prev + 1) dropped += v - prev - 1;
      last[i] = v;
    }
  };
  await c.start({ sink, signal: new AbortController().signal });
  try {
    const m = await measure(
      () => count,
      () => dropped,
      () => seen === ITEMS,
    );
    console.log(`weft: ${c.status().subscriptions} subscriptions, status ${c.status().state}`);
    return m;
  } finally {
    await c.stop();
  }
}

async function baseline(endpointUrl: string): Promise<Measure> {
  const client = OPCUAClient.create({
    endpointMustExist: false,
    requestedSessionTimeout: 120_000,
    transportTimeout: 60_000,
  });
  await client.connect(endpointUrl);
  const session = await client.createSession();
  let count = 0;
  let seen = 0;
  let dropped = 0;
  const last = new Float64Array(ITEMS).fill(-1);
  for (let start = 0; start < ITEMS; start += PER_SUB) {
    const sub = await session.createSubscription2({
      requestedPublishingInterval: 1000,
      requestedMaxKeepAliveCount: 10,
      requestedLifetimeCount: 120,
      publishingEnabled: true,
    });
    const n = Math.min(PER_SUB, ITEMS - start);
    for (let k = 0; k < n; k += 1000) {
      const items = Array.from({ length: Math.min(1000, n - k) }, (_, j) => ({
        nodeId: `ns=1;s=Counter.${start + k + j}`,
        attributeId: AttributeIds.Value,
      }));
      const group = ClientMonitoredItemGroup.create(
        sub,
        items,
        { samplingInterval: 0, queueSize: QUEUE, discardOldest: true },
        TimestampsToReturn.Both,
      );
      const offset = start + k;
      group.on("changed", (_m, dv, i) => {
        const v = Number(dv.value.value);
        const prev = last[offset + i] ?? -1;
        count++;
        if (prev < 0) seen++;
        else if (v > prev + 1) dropped += v - prev - 1;
        last[offset + i] = v;
      });
      await new Promise<void>((r) => group.once("initialized", () => r()));
    }
  }
  try {
    return await measure(
      () => count,
      () => dropped,
      () => seen === ITEMS,
    );
  } finally {
    await session.close(true);
    await client.disconnect();
  }
}

async function runClient(kind: "weft" | "baseline", endpointUrl: string): Promise<Measure> {
  const tsx = join(here, "..", "..", "..", "node_modules", ".bin", "tsx");
  const child = spawn(tsx, [fileURLToPath(import.meta.url), `client-${kind}`, endpointUrl], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: join(here, ".."),
  });
  let result: Measure | undefined;
  for await (const line of createInterface({ input: child.stdout as NodeJS.ReadableStream })) {
    if (line.startsWith("{")) result = JSON.parse(line) as Measure;
    else console.log(line);
  }
  if (!result) throw new Error(`${kind} client produced no result`);
  return result;
}

const role = process.argv[2];
if (role === "client-weft" || role === "client-baseline") {
  // each client runs in its own process so CPU and RSS are its own
  const endpointUrl = process.argv[3] ?? "";
  if (role === "client-weft") {
    const pkiFolder = await mkdtemp(join(tmpdir(), "weft-opcua-bench-"));
    try {
      console.log(JSON.stringify(await weft(endpointUrl, pkiFolder)));
    } finally {
      await rm(pkiFolder, { recursive: true, force: true });
    }
  } else console.log(JSON.stringify(await baseline(endpointUrl)));
  process.exit(0);
}

const { child, endpointUrl } = await startServer();
try {
  console.log(
    `OPC UA bench: ${ITEMS} counters (+1/s) at ${endpointUrl}, ${SECONDS} s windows, each client in its own process`,
  );
  await new Promise((r) => setTimeout(r, 2000)); // let the server settle
  const b = await runClient("baseline", endpointUrl);
  const w = await runClient("weft", endpointUrl);
  const row = (name: string, m: Measure) =>
    `${name.padEnd(22)} ${String(m.notificationsPerS).padStart(10)} ${String(m.dropped).padStart(8)} ${m.cpuPctOfCore.toFixed(1).padStart(8)} ${String(m.rssMb).padStart(7)}`;
  console.log(
    `${"client".padEnd(22)} ${"notif/s".padStart(10)} ${"dropped".padStart(8)} ${"cpu%".padStart(8)} ${"rss MB".padStart(7)}`,
  );
  console.log(row("weft connector", w));
  console.log(row("bare node-opcua", b));
  console.log(
    `targets: 0 dropped (${w.dropped === 0 ? "met" : "MISSED"}), ≤ 50% of a core at ${ITEMS} notif/s (${w.cpuPctOfCore <= 50 ? "met" : "MISSED"})` +
      (b.dropped > 0
        ? " — the bare client dropped values too: the simulator server is the bottleneck on this machine"
        : ""),
  );
  console.log(
    JSON.stringify({
      bench: "opcua",
      notifications_per_s: w.notificationsPerS,
      dropped: w.dropped,
      cpu_pct_of_core: w.cpuPctOfCore,
      rss_mb: w.rssMb,
      baseline_notifications_per_s: b.notificationsPerS,
    }),
  );
} finally {
  child.kill("SIGTERM");
}
