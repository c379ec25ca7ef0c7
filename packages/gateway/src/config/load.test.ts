import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isWeftError } from "@weft/core";
import { ROBOT_DEVICE_FILE } from "@weft/simulators/robot";
import { afterAll, describe, expect, it } from "vitest";
import { createDefaultRegistry } from "../connectors/registry.ts";
import type { ConfigIssue } from "./issues.ts";
import { loadConfigFile } from "./load.ts";
import { loadAndValidate, validateConnectors } from "./validate.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-config-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

async function issuesOf(file: string, env: Record<string, string> = {}): Promise<ConfigIssue[]> {
  try {
    await loadAndValidate(file, createDefaultRegistry(), env);
    return [];
  } catch (e) {
    if (!isWeftError(e, "CONFIG_INVALID")) throw e;
    return (e.details?.issues as ConfigIssue[]) ?? [];
  }
}

const ROBOT = `gateway: { id: gw-1, dataDir: ./data }
brain:
  url: \${BRAIN_URL:-http://127.0.0.1:4000/trpc}
  apiKey: \${WEFT_API_KEY}
devices:
  - id: robot-1
    points: { file: ${JSON.stringify(ROBOT_DEVICE_FILE)} }
    connection:
      port: \${ROBOT_PORT}
`;

describe("gateway config", () => {
  it("loads a robot from the published device file with env substitution, typed numbers and its profile", async () => {
    const f = write("ok.yaml", ROBOT);
    const cfg = await validateConnectors(
      loadConfigFile(f, { env: { WEFT_API_KEY: "k1", ROBOT_PORT: "5555" } }),
      createDefaultRegistry(),
    );
    const d = cfg.devices[0];
    expect(cfg.config.brain).toMatchObject({ url: "http://127.0.0.1:4000/trpc", apiKey: "k1" });
    expect(d?.connector).toBe("modbus");
    expect(d?.connectorConfig.connection).toEqual({ transport: "tcp", host: "127.0.0.1", port: 5555 });
    expect(d?.connectorConfig.unitId).toBe(1);
    expect(d?.profile?.definition.name).toBe("industrial-robot");
    expect(cfg.factories.get("modbus")?.kind).toBe("modbus");
  });

  it("names a missing environment variable with its line", async () => {
    const issues = await issuesOf(write("env.yaml", ROBOT), { ROBOT_PORT: "1" });
    expect(issues).toEqual([
      expect.objectContaining({
        line: 4,
        field: "brain.apiKey",
        message: "environment variable WEFT_API_KEY is not set",
      }),
    ]);
    const syntax = await issuesOf(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: YAML ${ENV} references
      write("syntax.yaml", ROBOT.replace("port: ${ROBOT_PORT}", "{ port: ${ROBOT_PORT} }")),
    );
    expect(syntax[0]).toMatchObject({ line: 9, field: "(yaml)" });
  });

  it("maps schema errors to file, line and field path with a fix", async () => {
    const f = write(
      "bad.yaml",
      `gateway: { id: gw-1 }
buffer:
  maxBytes: lots
  fsync: always
devices:
  - id: Robot 1
    connector: modbus
    points: [{ id: a, area: holding, address: 0 }]
`,
    );
    const issues = await issuesOf(f);
    const by = (field: string) => issues.find((i) => i.field === field);
    expect(by("buffer.maxBytes")).toMatchObject({ file: f, line: 3 });
    expect(by("buffer.fsync")).toMatchObject({ line: 4, fix: 'use one of: "batch", "interval", "off"' });
    expect(by("devices[0].id")).toMatchObject({ line: 6 });
  });

  it("maps a connector's complaint about a point back to the inline point's line", async () => {
    const f = write(
      "points.yaml",
      `gateway: { id: gw-1 }
devices:
  - id: plc-1
    connector: modbus
    connection: { transport: tcp, host: 127.0.0.1, port: 502 }
    unitID: 3
    points:
      - { id: a, area: holding, address: 0 }
      - { id: b, area: holdings, address: 1 }
`,
    );
    const issues = await issuesOf(f);
    expect(issues.find((i) => i.field === "devices[0].points[1].area")).toMatchObject({ line: 9 });
    expect(issues.find((i) => i.field === "devices[0].unitID")).toMatchObject({
      line: 6,
      message: 'unknown modbus setting "unitID"',
    });
  });

  it("reads points from CSV and points errors at the row's line", async () => {
    write("points.csv", "id,area,address,type,scale\ntemp,input,0,int16,0.1\n\nbad,input,-4,uint16,\n");
    const f = write(
      "csv.yaml",
      `gateway: { id: gw-1 }
devices:
  - { id: plc-1, connector: modbus, connection: { transport: tcp, host: h }, points: { csv: points.csv } }
`,
    );
    const issues = await issuesOf(f);
    expect(issues[0]).toMatchObject({ file: path.join(dir, "points.csv"), line: 4, field: "row 2.address" });
  });

  it("rejects an unknown profile, a missing required input and an unknown connector package", async () => {
    const f = write(
      "prof.yaml",
      `gateway: { id: gw-1 }
devices:
  - { id: a, connector: modbus, connection: { transport: tcp, host: h }, points: [{ id: x, area: coil, address: 0 }], profile: printing-pres }
  - { id: b, connector: modbus, connection: { transport: tcp, host: h }, points: [{ id: x, area: coil, address: 0 }], profile: printing-press }
  - { id: c, connector: "@acme/weft-connector-s7", points: [{ id: x }] }
`,
    );
    const issues = await issuesOf(f);
    expect(issues.find((i) => i.field === "devices[0].profile")?.fix).toContain("printing-press");
    expect(issues.find((i) => i.field === "devices[1].profile")?.message).toContain(
      'needs input "device_status"',
    );
    expect(issues.find((i) => i.field === "devices[2].connector")).toMatchObject({ line: 5 });
  });
});
