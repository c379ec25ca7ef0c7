import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@weft/db";
// The KPI report (query the brain, format per machine) is shared with the printing-line example.
import { formatKpis, type MachineKpis, machineKpis } from "@weft/example-printing-line/kpis";
import { startGateway } from "@weft/gateway";
import { seedDemo, startBrain } from "@weft/industry-brain";
import { startRobotCell } from "@weft/simulators/robot";
import pino, { type Logger } from "pino";

const here = path.dirname(fileURLToPath(import.meta.url));
export const CONFIG = path.resolve(here, "../gateway.yaml");

export interface RunOptions {
  /** Wall-clock seconds of production (default 20). */
  seconds?: number;
  /** Simulated seconds per wall-clock second (default 60: one hour of robot work per minute). */
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
 * Two robot-cell simulators (Modbus TCP) → gateway (industrial-robot profile, durable buffer) → brain → KPIs.
 * Everything runs in this process on free ports; the brain uses the demo seed's gateway key.
 */
export async function runRobotCell(o: RunOptions = {}): Promise<RunResult> {
  const print = o.print ?? ((l: string) => console.log(l));
  const logger = o.logger ?? pino({ level: "warn" });
  const db = await createDb(o.databaseUrl ? { url: o.databaseUrl } : {});
  const demo = await seedDemo(db);
  const key = demo.gateways.find((g) => g.gatewayId === "gw-jinggong-robotics");
  const user = demo.users.find((u) => u.role === "city-admin");
  if (!key || !user) throw new Error("demo seed has no gw-jinggong-robotics gateway or city admin");
  const brain = await startBrain({ db, port: 0, logger });
  const speed = o.speed ?? 60;
  const cells = [
    await startRobotCell({ port: 0, seed: 11, speed }),
    await startRobotCell({ port: 0, seed: 12, speed }),
  ];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-robot-cell-"));
  const from = Date.now();
  const gw = await startGateway({
    configPath: CONFIG,
    logger,
    env: {
      ...process.env,
      BRAIN_URL: `${brain.url}/trpc`,
      WEFT_API_KEY: key.apiKey,
      ROBOT_PORT: String(cells[0]?.port),
      ROBOT2_PORT: String(cells[1]?.port),
      WEFT_DATA_DIR: dataDir,
    },
  });
  print(
    `robot cells on 127.0.0.1:${cells.map((c) => c.port).join(", ")} (×${speed}), brain ${brain.url}, gateway /metrics at ${gw.healthUrl}/metrics`,
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
    const kpis = await machineKpis(brain.url, user, ["robot-cell-01", "robot-cell-02"], {
      from,
      to: Date.now(),
    });
    print("");
    print(formatKpis(kpis));
    if (speed !== 1)
      print(
        `\nnote: the simulator runs ×${speed} while reading timestamps are wall-clock, so counts per hour (performance, OEE) are ×${speed} too; availability and quality are not. Use --speed 1 and a longer run for true figures.`,
      );
    return { kpis, readingsUploaded: s.uplink?.sentReadings ?? 0, lost: s.buffer.dropped.readings };
  } finally {
    await gw.stop();
    for (const c of cells) await c.close();
    await brain.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
