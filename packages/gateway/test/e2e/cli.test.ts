import * as fs from "node:fs";
import * as path from "node:path";
import { type PressServer, startPressServer } from "@weft/simulators/press";
import { ROBOT_DEVICE_FILE, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { cleanup, tempDir } from "@weft/test-processes";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildCli } from "../../src/cli/index.ts";
import { startGateway } from "../../src/runtime/gateway.ts";

let cell: RobotCell;
let press: PressServer;
const dir = tempDir("weft-cli-");

beforeAll(async () => {
  cell = await startRobotCell({ port: 0, seed: 5 });
  press = await startPressServer({ port: 0, presses: 1, hostname: "127.0.0.1" });
});
afterAll(async () => {
  await cell?.close();
  await press?.close();
  await cleanup();
});

async function cli(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = -1;
  const program = buildCli((c) => (code = c), { out: (l) => out.push(l), err: (l) => err.push(l) });
  program.exitOverride();
  try {
    await program.parseAsync(["node", "weft-gateway", ...args]);
  } catch (e) {
    if (code === -1) code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  await new Promise((r) => setTimeout(r, 10));
  return { code, out, err };
}

function config(name: string, devices: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(
    f,
    `gateway: { id: gw-cli, dataDir: ./data-${name} }\nhealth: { port: 0 }\ndevices:\n${devices}`,
  );
  return f;
}

const liveRobot = () =>
  `  - { id: robot-1, points: { file: ${JSON.stringify(ROBOT_DEVICE_FILE)} }, connection: { port: ${cell.port} } }\n`;

describe("weft-gateway CLI", () => {
  it("check: ok for a valid config, and file:line + fix for a broken one", async () => {
    const ok = await cli("check", "-c", config("ok.yaml", liveRobot()));
    expect(ok.code).toBe(0);
    expect(ok.out.join("\n")).toContain("profile industrial-robot: state");
    const bad = await cli(
      "check",
      "-c",
      config(
        "bad.yaml",
        "  - { id: plc, connector: modbus, connection: { transport: tcp, host: h }, points: [{ id: a, area: holding, address: 99999 }] }\n",
      ),
    );
    expect(bad.code).toBe(2);
    expect(bad.err.join("\n")).toMatch(/bad\.yaml:4: devices\[0\]\.points\[0\]\.address: .*\n {2}fix: /);
  });

  it("read --json: one object per reading; exit 1 when a device does not answer", async () => {
    const good = await cli("read", "-c", config("read.yaml", liveRobot()), "--json");
    expect(good.code).toBe(0);
    const lines = good.out.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBe(18);
    expect(Object.keys(lines[0] ?? {}).sort()).toEqual(["device", "point", "quality", "ts", "value"]);
    const dead = await cli(
      "read",
      "-c",
      config(
        "dead.yaml",
        `${liveRobot()}  - { id: robot-2, points: { file: ${JSON.stringify(ROBOT_DEVICE_FILE)} }, connection: { port: 1 }, timeoutMs: 200, retries: 0 }\n`,
      ),
      "--timeout",
      "3000",
    );
    expect(dead.code).toBe(1);
    expect(dead.err.join("\n")).toContain("robot-2 did not answer");
    expect(dead.out.some((l) => l.startsWith("robot-1"))).toBe(true);
  });

  it("probe: raw registers and all four 32-bit orders", async () => {
    const r = await cli(
      "probe",
      "modbus",
      `127.0.0.1:${cell.port}`,
      "--unit",
      "1",
      "--area",
      "input",
      "--address",
      "4",
      "--count",
      "2",
    );
    expect(r.code).toBe(0);
    const text = r.out.join("\n");
    for (const order of ["ABCD", "CDAB", "BADC", "DCBA"]) expect(text).toContain(order);
  });

  it("discover opcua: prints a points YAML usable as a device file", async () => {
    const r = await cli(
      "discover",
      "opcua",
      press.endpointUrl,
      "--root",
      "ns=1;s=Press1",
      "--depth",
      "3",
      "--pki",
      path.join(dir, "pki"),
    );
    expect(r.code).toBe(0);
    const doc = parse(r.out.join("\n")) as { kind: string; points: { id: string; nodeId: string }[] };
    expect(doc.kind).toBe("opcua");
    expect(doc.points.some((p) => p.nodeId === "ns=1;s=Press1.Speed")).toBe(true);
  });

  it("status: live figures from a running gateway, the buffer on disk when it is not running", async () => {
    const file = config("status.yaml", liveRobot());
    const gw = await startGateway({ configPath: file, logger: pino({ level: "silent" }) });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const r = await cli("status", "--url", gw.healthUrl ?? "");
      expect(r.code).toBe(0);
      const text = r.out.join("\n");
      expect(text).toContain("devices: 1/1 connected");
      expect(text).toMatch(/buffer: \d+ readings in \d+ batches/);
      expect(text).toContain("uplink: none configured");
    } finally {
      await gw.stop();
    }
    const off = await cli("status", "-c", file, "--url", "http://127.0.0.1:1");
    expect(off.code).toBe(3);
    expect(off.out.join("\n")).toMatch(/not running; buffer on disk: \d+ readings/);
  });

  it("--help for each command", async () => {
    for (const c of ["run", "check", "read", "discover", "probe", "status"]) {
      const r = await cli(c, "--help");
      expect(r.out.join("\n")).toContain(`Usage: weft-gateway ${c}`);
    }
  });
});
