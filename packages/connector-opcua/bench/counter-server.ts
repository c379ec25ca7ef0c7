// Child process of opcua.bench.ts: the press simulator in bench mode (N counters, +1 every second).

import { startPressServer } from "@weft/simulators/press";
import { LogLevel, setLogLevel } from "node-opcua";

setLogLevel(LogLevel.Emergency);
const counters = Number(process.argv[2] ?? 50_000);
const sim = await startPressServer({ port: 0, hostname: "localhost", counters, securityModes: ["None"] });
process.stdout.write(`${JSON.stringify({ endpointUrl: sim.endpointUrl })}\n`);
const stop = async () => {
  await sim.close();
  process.exit(0);
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
