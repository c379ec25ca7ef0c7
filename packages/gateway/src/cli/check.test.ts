import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkCommand } from "./check.ts";

/** `weft-gateway check`: every problem in one run, at the key's own line, with the fix for that problem. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-check-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function check(name: string, yaml: string): Promise<{ code: number; err: string }> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, yaml);
  const err: string[] = [];
  const code = await checkCommand(file, { out: () => {}, err: (l) => err.push(l) });
  return { code, err: err.join("\n").replaceAll(`${dir}/`, "") };
}

describe("weft-gateway check messages", () => {
  it("reports top-level, device and connector problems in one run, each at its own line", async () => {
    const r = await check(
      "all.yaml",
      `gateway: { id: gw-x, dataDir: ./data }
brain:
  url: "http://brain:4000/trpc"
  apikey: "secret"
devices:
  - id: plc-1
    connector: modbus
    connection: { transport: tcp, host: 10.0.0.5 }
    intervalMs: -5
    intervalMS: 100
    points:
      - { id: a, area: holding, address: 1 }
`,
    );
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      [
        "✗ 3 problems in the config:",
        'all.yaml:4: brain.apikey: unknown key "apikey"',
        '  fix: did you mean "apiKey"? rename "apikey" to "apiKey"',
        "all.yaml:9: devices[0].intervalMs: Too small: expected number to be >=10",
        "  fix: use a value of at least 10",
        'all.yaml:10: devices[0].intervalMS: unknown modbus setting "intervalMS"',
        '  fix: did you mean "intervalMs"? rename "intervalMS" to "intervalMs"',
      ].join("\n"),
    );
  });

  it("a present field of the wrong type is asked to change type, a missing one to be added", async () => {
    const r = await check(
      "types.yaml",
      `gateway: { dataDir: ./data }
uplink:
  maxBatchReadings: many
devices:
  - { id: plc-1, connector: modbus, connection: { transport: tcp, host: h }, points: [{ id: a, area: holding, address: 1 }] }
`,
    );
    expect(r.err).toContain(
      "types.yaml:1: gateway.id: Invalid input: expected string, received undefined\n  fix: add this required field (string)",
    );
    expect(r.err).toContain(
      "types.yaml:3: uplink.maxBatchReadings: Invalid input: expected number, received string\n  fix: set it to a number",
    );
  });

  it("a key indented deeper than its siblings is one problem, at its own line", async () => {
    const r = await check(
      "indent.yaml",
      `gateway:
  id: gw-x
   dataDir: ./data
devices:
  - { id: plc-1, connector: modbus, connection: { transport: tcp, host: h }, points: [{ id: a, area: holding, address: 1 }] }
`,
    );
    expect(r.err).toBe(
      [
        "✗ 1 problem in the config:",
        "indent.yaml:3: (yaml): indented 3 spaces, deeper than the key on line 2 (2): YAML reads this line as the rest of that key's value",
        "  fix: indent it 2 spaces, like the keys around it",
      ].join("\n"),
    );
  });

  it("a key indented less than its siblings: at its line, with the fix", async () => {
    const r = await check(
      "outdent.yaml",
      `gateway: { id: gw-x }
devices:
  - id: plc-1
    connector: modbus
    connection: { transport: tcp, host: h }
   intervalMs: 100
    points: [{ id: a, area: holding, address: 1 }]
`,
    );
    expect(r.err).toBe(
      [
        "✗ 1 problem in the config:",
        "outdent.yaml:6: (yaml): indented 3 spaces, less than the keys around it (4)",
        "  fix: indent it 4 spaces, like the keys around it",
      ].join("\n"),
    );
  });
});
