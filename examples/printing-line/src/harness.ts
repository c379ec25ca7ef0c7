import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createDb } from "@weft/db";
import { startGateway } from "@weft/gateway";
import { roundTheClock, seedDemo, seedDemoCalendars, startBrain } from "@weft/industry-brain";
import pino, { type Logger } from "pino";
import { formatKpis, type MachineKpis, machineKpis } from "./kpis.ts";

export interface RunOptions {
  /** Wall-clock seconds of production (default 20). */
  seconds?: number;
  /** Simulated seconds per wall-clock second (default: the example's). */
  speed?: number;
  /** PostgreSQL URL; default embedded PGlite in memory. */
  databaseUrl?: string;
  logger?: Logger;
  print?: (line: string) => void;
}

export interface RunResult {
  kpis: MachineKpis[];
  readingsUploaded: number;
  lost: number;
}

/** Simulated devices an example starts: the gateway config's environment, a label, and a stop. */
export interface ExampleDevices {
  env: Record<string, string>;
  describe: string;
  close(): Promise<void>;
}

/** What differs between the examples: devices, gateway config and the demo gateway they use. */
export interface ExampleLine {
  /** Gateway YAML. */
  config: string;
  /** Demo seed gateway whose API key the gateway uses. */
  gatewayId: string;
  /** Machine keys to report KPIs for. */
  machines: readonly string[];
  defaultSpeed: number;
  startDevices(speed: number): Promise<ExampleDevices>;
}

/**
 * Simulated devices → gateway (durable buffer) → brain → KPIs, all in this process on free ports;
 * the brain uses the demo seed's key for `line.gatewayId`. Prints progress every 5 s, then the KPIs.
 */
export async function runExampleLine(line: ExampleLine, o: RunOptions = {}): Promise<RunResult> {
  const print = o.print ?? ((l: string) => console.log(l));
  const logger = o.logger ?? pino({ level: "warn" });
  const speed = o.speed ?? line.defaultSpeed;
  const db = await createDb(o.databaseUrl ? { url: o.databaseUrl } : {});
  const demo = await seedDemo(db);
  const key = demo.gateways.find((g) => g.gatewayId === line.gatewayId);
  // The run may happen at any hour: plan its factory round the clock, so availability is defined
  // (with no calendar the default day shift would leave a night run outside planned time).
  if (key) await seedDemoCalendars(db, { [key.enterpriseKey]: roundTheClock("Asia/Shanghai") });
  const user = demo.users.find((u) => u.role === "city-admin");
  if (!key || !user) throw new Error(`demo seed has no ${line.gatewayId} gateway or city admin`);
  const brain = await startBrain({ db, port: 0, logger });
  const devices = await line.startDevices(speed);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `weft-${line.gatewayId}-`));
  const from = Date.now();
  const gw = await startGateway({
    configPath: line.config,
    logger,
    env: {
      ...process.env,
      ...devices.env,
      BRAIN_URL: `${brain.url}/trpc`,
      WEFT_API_KEY: key.apiKey,
      WEFT_DATA_DIR: dataDir,
    },
  });
  print(`${devices.describe} (×${speed}), brain ${brain.url}, gateway /metrics at ${gw.healthUrl}/metrics`);
  try {
    const seconds = o.seconds ?? 20;
    for (let t = 0; t < seconds; t += 5) {
      await new Promise((r) => setTimeout(r, Math.min(5, seconds - t) * 1000));
      const s = gw.status();
      print(
        `t+${String(Math.min(t + 5, seconds)).padStart(3)}s  ${s.readingsTotal} readings, ${s.uplink?.sentReadings ?? 0} uploaded, buffer ${s.buffer.pendingReadings}, devices ${s.devices.map((d) => `${d.id}:${d.state}`).join(" ")}`,
      );
    }
    gw.flush();
    const until = Date.now() + 15_000;
    while (gw.status().buffer.pendingReadings > 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 100));
    const s = gw.status();
    const kpis = await machineKpis(brain.url, user, line.machines, { from, to: Date.now() });
    print("");
    print(formatKpis(kpis));
    if (speed !== 1)
      print(
        `\nnote: the simulator runs ×${speed} while reading timestamps are wall-clock, so counts per hour (performance, OEE) are ×${speed} too; availability and quality are not. Use --speed 1 and a longer run for true figures.`,
      );
    return { kpis, readingsUploaded: s.uplink?.sentReadings ?? 0, lost: s.buffer.dropped.readings };
  } finally {
    await gw.stop();
    await devices.close();
    await brain.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
