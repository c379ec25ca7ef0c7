import * as path from "node:path";
import { type PressServer, pressDeviceFilePath, startPressServer } from "@weft/simulators/press";
import { ROBOT_DEVICE_FILE, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { cleanup, tempDir } from "@weft/test-processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayProcess, writeConfig } from "./process.ts";

/**
 * Clean output, with the CLI as a real process (so anything a library prints with console.log
 * really lands on its stdout): against an OPC UA server with a reduced namespace 0, as open62541
 * serves it (node-opcua warns about every missing OperationLimits node), every stdout line of
 * `read`, `discover`, `probe` and `status` with --json is JSON, and `run` keeps stdout empty and
 * its stderr pure JSON logs. node-opcua's chatter is in the log at debug level, not lost.
 */
let press: PressServer;
let cell: RobotCell;
const dir = tempDir("weft-cli-output-");

beforeAll(async () => {
  press = await startPressServer({ port: 0, presses: 1, hostname: "127.0.0.1", reducedNamespace0: true });
  cell = await startRobotCell({ port: 0, seed: 9 });
}, 60_000);
afterAll(async () => {
  await cleanup();
  await cell?.close();
  await press?.close();
});

function configFile(): string {
  return writeConfig(
    dir,
    "gateway.yaml",
    `gateway: { id: gw-output, dataDir: ./data }
health: { port: 0 }
devices:
  - id: press-1
    connector: opcua
    points: { file: ${JSON.stringify(pressDeviceFilePath(0))} }
    connection: { endpointUrl: "${press.endpointUrl}", pki: { folder: ${JSON.stringify(path.join(dir, "pki"))} } }
  - id: robot-1
    points: { file: ${JSON.stringify(ROBOT_DEVICE_FILE)} }
    connection: { port: ${cell.port} }
`,
  );
}

/** Run a CLI command to its end; every stdout line parsed as JSON (a line that is not fails). */
async function runJson(
  args: string[],
): Promise<{ code: number | null; lines: unknown[]; gw: GatewayProcess }> {
  const gw = new GatewayProcess(args);
  const code = await gw.exited;
  const text = gw.stdout.join("");
  const lines = text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new Error(
          `stdout line ${i + 1} of "${args.join(" ")}" is not JSON: ${l}\n--- stdout:\n${text}`,
        );
      }
    });
  return { code, lines, gw };
}

describe("CLI output against a reduced namespace 0 (open62541-like)", () => {
  it("read --json: only JSON readings on stdout; node-opcua's warnings in the debug log", async () => {
    const { code, lines, gw } = await runJson(["read", "-c", configFile(), "--json", "--log-level", "debug"]);
    expect(code).toBe(0);
    const devices = new Set(lines.map((l) => (l as { device: string }).device));
    expect(devices).toEqual(new Set(["press-1", "robot-1"]));
    expect(gw.logs.filter((l) => l.notJson)).toEqual([]);
    const chatter = gw.logs.filter((l) => l.source === "node-opcua");
    expect(chatter.some((l) => l.level === 20 && /BadNodeIdUnknown/.test(l.msg))).toBe(true);
  });

  it("discover --json: one JSON object; progress and diagnostics stay off stdout", async () => {
    const { code, lines } = await runJson([
      "discover",
      "opcua",
      press.endpointUrl,
      "--json",
      "--include-server",
      "--depth",
      "3",
      "--pki",
      path.join(dir, "pki-discover"),
    ]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    const paths = (lines[0] as { points: { browsePath: string }[] }).points.map((p) => p.browsePath);
    expect(paths).toContain("Server/ServerStatus/CurrentTime");
    expect(paths.some((p) => p.startsWith("Press1/"))).toBe(true);
  });

  it("probe --json: one JSON object", async () => {
    const { code, lines } = await runJson([
      "probe",
      "modbus",
      `127.0.0.1:${cell.port}`,
      "--area",
      "input",
      "--address",
      "0",
      "--count",
      "4",
      "--json",
    ]);
    expect(code).toBe(0);
    expect(lines).toHaveLength(1);
    expect((lines[0] as { registers: unknown[] }).registers).toHaveLength(4);
  });

  it("run keeps stdout empty and logs only JSON; status --json is one JSON object", async () => {
    const file = configFile();
    const run = new GatewayProcess(["run", "-c", file]);
    const started = await run.waitForLog("gateway started");
    const status = await runJson(["status", "--url", String(started.health), "--json"]);
    expect(status.code).toBe(0);
    expect(status.lines).toHaveLength(1);
    expect((status.lines[0] as { gatewayId: string }).gatewayId).toBe("gw-output");
    run.kill("SIGTERM");
    expect(await run.exited).toBe(0);
    expect(run.stdout.join("")).toBe("");
    expect(run.logs.filter((l) => l.notJson)).toEqual([]);
    expect(run.logs.some((l) => l.msg === "gateway stopped")).toBe(true);
  });
});
