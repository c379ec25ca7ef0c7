import * as path from "node:path";
import { fileURLToPath } from "node:url";
// The example harness (devices → gateway → brain → KPI report) is shared with the printing-line example.
import { type RunOptions, type RunResult, runExampleLine } from "@weft/example-printing-line/harness";
import { startRobotCell } from "@weft/simulators/robot";

export type { RunOptions, RunResult } from "@weft/example-printing-line/harness";

export const CONFIG = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../gateway.yaml");

/**
 * Two robot-cell simulators (Modbus TCP) → gateway (industrial-robot profile, durable buffer) →
 * brain → KPIs. Default speed 60: one hour of robot work per minute.
 */
export function runRobotCell(o: RunOptions = {}): Promise<RunResult> {
  return runExampleLine(
    {
      config: CONFIG,
      gatewayId: "gw-jinggong-robotics",
      machines: ["robot-cell-01", "robot-cell-02"],
      defaultSpeed: 60,
      startDevices: async (speed) => {
        const cells = [
          await startRobotCell({ port: 0, seed: 11, speed }),
          await startRobotCell({ port: 0, seed: 12, speed }),
        ];
        return {
          env: { ROBOT_PORT: String(cells[0]?.port), ROBOT2_PORT: String(cells[1]?.port) },
          describe: `robot cells on 127.0.0.1:${cells.map((c) => c.port).join(", ")}`,
          close: async () => {
            for (const c of cells) await c.close();
          },
        };
      },
    },
    o,
  );
}
