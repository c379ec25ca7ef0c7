import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@weft/db";
import { startGateway } from "@weft/gateway";
import { seedDemo, startBrain } from "@weft/industry-brain";
import { startPressServer } from "@weft/simulators/press";
import pino, { type Logger } from "pino";
import { formatKpis, type MachineKpis, machineKpis } from "./kpis.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONFIG = path.resolve(here, "../gateway.yaml");

export interface RunOptions {
  /** Wall-clock seconds of production (default 20). */
  seconds?: number;
  /** Simulated seconds per wall-clock second (default 600: ten hours of printing per minute). */
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

/**
 * Press simulator (OPC UA) → gateway (printing-press profile, durable buffer) → brain → KPIs.
 * Everything runs in this process on free ports; the brain uses the demo seed's gateway key.
 */
export async function runPrintingLine(o: RunOptions = {}): Promise<RunResult> {
  const print = o.print ?? ((l: string) => console.log(l));
  const logger = o.logger ?? pino({ level: "warn" });
  const db = await createDb(o.databaseUrl ? { url: o.databaseUrl } : {});
  const demo = await seedDemo(db);
  const key = demo.gateways.find((g) => g.gatewayId === "gw-caihong-print");
  const user = demo.users.find((u) => u.role === "city-admin");
  if (!key || !user) throw new Error("demo seed has no gw-caihong-print gateway or city admin");
  const brain = await startBrain({ db, port: 0, logger });
  const press = await startPressServer({
    port: 0,
    presses: 2,
    speed: o.speed ?? 600,
    seed: 2026,
    hostname: "127.0.0.1",
  });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-printing-line-"));
  const from = Date.now();
  const gw = await startGateway({
    configPath: CONFIG,
    logger,
    env: {
      ...process.env,
      BRAIN_URL: `${brain.url}/trpc`,
      WEFT_API_KEY: key.apiKey,
      PRESS_URL: press.endpointUrl,
      WEFT_DATA_DIR: dataDir,
    },
  });
  print(
    `press simulator ${press.endpointUrl} (×${o.speed ?? 600}), brain ${brain.url}, gateway /metrics at ${gw.healthUrl}/metrics`,
  );
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
    const kpis = await machineKpis(brain.url, user, ["press-01", "press-02"], { from, to: Date.now() });
    print("");
    print(formatKpis(kpis));
    const speed = o.speed ?? 600;
    if (speed !== 1)
      print(
        `\nnote: the simulator runs ×${speed} while reading timestamps are wall-clock, so counts per hour (performance, OEE) are ×${speed} too; availability and quality are not. Use --speed 1 and a longer run for true figures.`,
      );
    return { kpis, readingsUploaded: s.uplink?.sentReadings ?? 0, lost: s.buffer.dropped.readings };
  } finally {
    await gw.stop();
    await press.close();
    await brain.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
