import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { startPressServer } from "@weft/simulators/press";
import { type RunOptions, type RunResult, runExampleLine } from "./harness.ts";

export type { RunOptions, RunResult } from "./harness.ts";

export const CONFIG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../gateway.yaml");

/**
 * Press simulator (OPC UA) → gateway (printing-press profile, durable buffer) → brain → KPIs.
 * Default speed 600: ten hours of printing per minute.
 */
export function runPrintingLine(o: RunOptions = {}): Promise<RunResult> {
  return runExampleLine(
    {
      config: CONFIG,
      gatewayId: "gw-caihong-print",
      machines: ["press-01", "press-02"],
      defaultSpeed: 600,
      startDevices: async (speed) => {
        const press = await startPressServer({
          port: 0,
          presses: 2,
          speed,
          seed: 2026,
          hostname: "127.0.0.1",
        });
        return {
          env: { PRESS_URL: press.endpointUrl },
          describe: `press simulator ${press.endpointUrl}`,
          close: () => press.close(),
        };
      },
    },
    o,
  );
}
