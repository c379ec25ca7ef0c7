/**
 * `pnpm demo`: a whole simulated park on one machine, in one process.
 *
 * The brain on embedded PGlite (seeded with a demo city, two parks and five enterprises),
 * park-admin served by the brain, OPC UA printing presses and Modbus robot cells from
 * @weft/simulators, and one edge gateway per factory uploading to the brain. Some demo
 * machines are deliberately left without a simulator so the coverage pages show gaps.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { quietNodeOpcuaLogs } from "@weft/connector-opcua";
import { createDb } from "@weft/db";
import { type RunningGateway, startGateway } from "@weft/gateway";
import { backfillDemo, seedDemo, seedDemoCalendars, startBrain } from "@weft/industry-brain";
import { type PressServer, type RobotCell, startPressServer, startRobotCell } from "@weft/simulators";
import pino from "pino";

const HELP = `pnpm demo [--port 3000] [--data-dir DIR] [--speed 1] [--no-devices]

  --port N        brain and park-admin port (default 3000; a free port if taken)
  --data-dir DIR  keep the PGlite database in DIR across runs (default: in memory)
  --speed N       simulated seconds per real second for the devices (default 1). Readings are
                  stamped with wall-clock time, so above 1 the KPIs (performance, OEE) are
                  inflated by the factor: use it to watch states change, not to read KPIs
  --no-devices    start only the brain and park-admin
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const devicesDir = path.join(root, "packages/simulators/devices");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: process.env.PORT ?? "3000" },
      "data-dir": { type: "string" },
      speed: { type: "string", default: "1" },
      "no-devices": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  quietNodeOpcuaLogs();
  const started = Date.now();
  const logger = pino({ level: process.env.LOG_LEVEL ?? "warn" });
  const db = await createDb(values["data-dir"] ? { dataDir: values["data-dir"] } : {});
  const demo = await seedDemo(db);
  await seedDemoCalendars(db);
  const staticDir = path.join(root, "apps/park-admin/dist");
  const brain = await startBrainOnPort(db, Number(values.port), staticDir, logger);

  const sims: Array<PressServer | RobotCell> = [];
  const gateways: RunningGateway[] = [];
  const workDir = mkdtempSync(path.join(tmpdir(), "weft-demo-"));
  printBanner(brain.url, demo.users, Date.now() - started);
  if (!values["no-devices"]) {
    const speed = Number(values.speed);
    // The server is already answering; each factory gets its 30 days of history, then its devices
    // go live. History first, so live readings never arrive before the past they continue.
    const history = await Promise.all(
      demo.gateways.map(async (gw) => {
        const simulated = gw.machineKeys.filter(isSimulated);
        const filled = await backfillDemo(db, { machineKeys: simulated, days: 30, logger });
        const devices = await simulateFactory(simulated, speed, sims);
        if (devices.length > 0)
          gateways.push(await startFactoryGateway(gw, devices, brain.url, workDir, logger));
        return filled;
      }),
    );
    const sum = history.reduce(
      (a, h) => ({ readings: a.readings + h.readings, skipped: a.skipped + h.skipped }),
      {
        readings: 0,
        skipped: 0,
      },
    );
    console.log(
      sum.skipped > 0 && sum.readings === 0
        ? `  History kept from the data dir; ${sims.length} simulated devices and ${gateways.length} gateways are live (${((Date.now() - started) / 1000).toFixed(1)} s).`
        : `  30 days of history loaded (${sum.readings.toLocaleString("en")} readings); ${sims.length} simulated devices and ${gateways.length} gateways are live (${((Date.now() - started) / 1000).toFixed(1)} s).`,
    );
  }

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    console.log("\nstopping…");
    await Promise.allSettled(gateways.map((g) => g.stop()));
    await Promise.allSettled(sims.map((s) => s.close()));
    await brain.close();
    await db.close();
    rmSync(workDir, { recursive: true, force: true });
    console.log("stopped.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

async function startBrainOnPort(
  db: Awaited<ReturnType<typeof createDb>>,
  port: number,
  staticDir: string,
  logger: pino.Logger,
): Promise<Awaited<ReturnType<typeof startBrain>>> {
  try {
    return await startBrain({ db, port, staticDir, logger });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    console.warn(`port ${port} is taken; using a free port instead`);
    return startBrain({ db, port: 0, staticDir, logger });
  }
}

/** Machines the demo has a simulator for; the others stay unconnected so the coverage pages show gaps. */
function isSimulated(key: string): boolean {
  return key.includes("press") || key.includes("robot") || key.includes("cnc") || key.includes("loom");
}

async function startFactoryGateway(
  gw: { gatewayId: string; apiKey: string },
  devices: Record<string, unknown>[],
  brainUrl: string,
  workDir: string,
  logger: pino.Logger,
): Promise<RunningGateway> {
  return startGateway({
    config: {
      gateway: { id: gw.gatewayId, dataDir: path.join(workDir, gw.gatewayId) },
      brain: { url: `${brainUrl}/trpc`, apiKey: gw.apiKey },
      uplink: { maxBatchAge: "1s" },
      devices,
    },
    baseDir: devicesDir,
    health: false,
    logger: logger.child({ gateway: gw.gatewayId }),
  });
}

/** Start a simulator for each machine we can simulate and return the gateway's device entries. */
async function simulateFactory(machineKeys: string[], speed: number, sims: Array<PressServer | RobotCell>) {
  const devices: Record<string, unknown>[] = [];
  const presses = machineKeys.filter((k) => k.includes("press"));
  if (presses.length > 0) {
    const server = await startPressServer({
      port: 0,
      hostname: "127.0.0.1",
      seed: sims.length + 1,
      speed,
      presses: presses.length,
      securityModes: ["None"],
      // A press that starts cold spends its first half hour warming up and in make-ready.
      start: "running",
    });
    sims.push(server);
    presses.forEach((key, i) => {
      devices.push({
        id: key,
        connector: "opcua",
        points: { file: i === 0 ? "printing-press.yaml" : `printing-press-${i + 1}.yaml` },
        profile: "printing-press",
        connection: {
          endpointUrl: server.endpointUrl,
          security: { mode: "None" },
          identity: { type: "anonymous" },
        },
      });
    });
  }
  for (const key of machineKeys.filter(
    (k) => k.includes("robot") || k.includes("cnc") || k.includes("loom"),
  )) {
    const cell = await startRobotCell({ port: 0, host: "127.0.0.1", seed: sims.length + 1, speed });
    sims.push(cell);
    devices.push({
      id: key,
      connector: "modbus",
      points: { file: "robot-cell.yaml" },
      profile: "industrial-robot",
      connection: { transport: "tcp", host: "127.0.0.1", port: cell.port },
    });
  }
  return devices;
}

function printBanner(
  url: string,
  users: { email: string; password: string; role: string }[],
  ms: number,
): void {
  const rows = users.map((u) => `    ${u.role.padEnd(16)} ${u.email.padEnd(28)} ${u.password}`).join("\n");
  console.log(`
  Weft demo is up in ${(ms / 1000).toFixed(1)} s; loading 30 days of history, then the devices go live.

    park-admin  ${url}/
    tRPC        ${url}/trpc

  Demo logins:
${rows}

  Ctrl-C stops everything.
`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
