// The integrator's path: every publishable package packed, installed with plain npm in a project
// outside the repository, and used there as documented — a connector compiled against the SDK and
// passed through the conformance kit, the gateway CLI against our Modbus simulator, the brain on
// PGlite, and the gateway's edge tarball installed globally and run with nothing but node.
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { cleanup, type ProcessTree, spawnTree, tempDir } from "@weft/test-processes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeBundle, PNPM, packAll, ROOT, readTree, run, unpack } from "../../src/pack.ts";
import { fileProblems, type Manifest, manifestProblems } from "../../src/scan.ts";

const work = tempDir("weft-pack-");
const project = path.join(work, "project");
const bin = (name: string) => path.join(project, "node_modules", ".bin", name);
let tarballs: Map<string, string>;

// What a machine with only Node.js has: node's own folder and the system's, no pnpm, no tsx.
const bare = { PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`, NODE_OPTIONS: "" };
const quiet = ["--no-audit", "--no-fund", "--prefer-offline"];

afterAll(() => cleanup());

beforeAll(() => {
  // A cache hit when turbo built the packages before this test (CI); a build otherwise.
  run("npx", [...PNPM, "build", "--output-logs=errors-only"], ROOT);
  tarballs = packAll(path.join(work, "npm"));
  mkdirSync(project);
  writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({ name: "integrator", private: true, type: "module" }),
  );
  // One npm install for everything: the tarballs and the integrator's own toolchain (vitest 5
  // declares @types/node 22 or later as its peer, so that is what an integrator gets).
  const tools = ["typescript@5.9.3", "@types/node@^22", "vitest@5.1.1"];
  run("npm", ["install", ...quiet, ...tarballs.values(), ...tools], project);
});

function lines(proc: ProcessTree): AsyncIterable<string> {
  proc.child.stderr?.resume();
  return createInterface({ input: proc.child.stdout as NodeJS.ReadableStream });
}

describe("packed packages", () => {
  it("ship no private flag, workspace: range, .ts import, missing file or undeclared dependency", () => {
    const problems: string[] = [];
    for (const [name, tgz] of tarballs) {
      const dir = path.join(work, "unpacked", name.replace("/", "__"));
      unpack(tgz, dir);
      const files = readTree(dir);
      const manifest = JSON.parse(files.get("package.json") ?? "{}") as Manifest;
      problems.push(...manifestProblems(manifest), ...fileProblems(manifest, files));
      for (const f of ["README.md", "LICENSE", "CHANGELOG.md", "dist/index.js", "dist/index.d.ts"])
        if (!files.has(f)) problems.push(`${name}: ${f} is not in the tarball`);
    }
    expect(problems).toEqual([]);
    expect(tarballs.size).toBeGreaterThanOrEqual(9);
  });

  it("the gateway's types compile for a consumer with only its declared dependencies installed", () => {
    writeFileSync(
      path.join(project, "consumer.ts"),
      [
        'import type { GatewayConfig } from "@weft/gateway";',
        'import type { IngestPushOutput, ReadingBatch } from "@weft/core";',
        "export type Uplink = { config: GatewayConfig; batch: ReadingBatch; answer: IngestPushOutput };",
        "",
      ].join("\n"),
    );
    const tsc = [path.join(project, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict"];
    const opts = [
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
      "--types",
      "node",
      "--skipLibCheck",
      "false",
    ];
    run(process.execPath, [...tsc, ...opts, "consumer.ts"], project);
  });
});

describe("an integrator's connector", () => {
  it("compiles against @weft/connector-sdk and passes runConnectorConformance", () => {
    const example = path.join(ROOT, "examples/custom-connector");
    const dir = path.join(project, "boiler");
    cpSync(path.join(example, "src"), path.join(dir, "src"), { recursive: true });
    for (const f of ["conformance.test.ts", "boiler-device.ts"])
      cpSync(path.join(example, "test", f), path.join(dir, "test", f));
    writeFileSync(
      path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          rewriteRelativeImportExtensions: true,
          declaration: true,
          outDir: "dist",
          rootDir: ".",
          types: ["node"],
        },
        include: ["src", "test"],
      }),
    );
    run(process.execPath, [path.join(project, "node_modules/typescript/bin/tsc"), "-p", dir], project);
    expect(existsSync(path.join(dir, "dist/src/index.js"))).toBe(true);
    // The compiled JavaScript, not the TypeScript, goes through the kit.
    const out = run(bin("vitest"), ["run", "--root", dir, "dist/test/conformance.test.js"], project, {
      ...bare,
      NO_COLOR: "1",
    });
    expect(out).toMatch(/Tests\s+\S*\s*\d+ passed/);
    expect(out).not.toMatch(/failed/);
  });
});

describe("installed CLIs with plain node", () => {
  it("weft-gateway check and read a Modbus robot cell started with weft-sim", async () => {
    const sim = spawnTree(bin("weft-sim"), ["robot", "--port", "0"], { cwd: project, env: bare });
    let port = 0;
    for await (const line of lines(sim)) {
      const m = /"port":(\d+)/.exec(line);
      if (m) {
        port = Number(m[1]);
        break;
      }
    }
    expect(port).toBeGreaterThan(0);
    const device = path.join(project, "node_modules/@weft/simulators/devices/robot-cell.yaml");
    writeFileSync(
      path.join(project, "gateway.yaml"),
      [
        "gateway: { id: gw-pack-test, dataDir: ./weft-data }",
        'brain: { url: "http://127.0.0.1:9/trpc", apiKey: "not-used-by-read" }',
        "devices:",
        "  - id: robot-01",
        `    points: { file: ${device} }`,
        `    connection: { host: 127.0.0.1, port: ${port} }`,
        "",
      ].join("\n"),
    );
    const check = await spawnTree(bin("weft-gateway"), ["check", "-c", "gateway.yaml"], {
      cwd: project,
      env: bare,
    }).output();
    expect(check.code, check.stderr).toBe(0);
    const read = await spawnTree(bin("weft-gateway"), ["read", "-c", "gateway.yaml"], {
      cwd: project,
      env: bare,
    }).output();
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toMatch(/robot-01/);
    expect(read.stdout.trim().split("\n").length).toBeGreaterThanOrEqual(10);
    await sim.stop();
  });

  it("weft-brain starts on PGlite, answers /health and serves park-admin", async () => {
    const brain = spawnTree(bin("weft-brain"), ["--port", "0", "--data-dir", path.join(work, "brain")], {
      cwd: project,
      env: { ...bare, LOG_LEVEL: "info", DATABASE_URL: undefined },
    });
    let url = "";
    for await (const line of lines(brain)) {
      const m = /"url":"(http:[^"]+)"/.exec(line);
      if (m?.[1]) {
        url = m[1].replace(/\/trpc$/, "");
        break;
      }
    }
    expect(url).not.toBe("");
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root"/);
    await brain.stop();
  });

  it("npm install -g of the gateway's edge tarball gives a weft-gateway that runs", async () => {
    const tgz = edgeBundle("@weft/gateway", tarballs, path.join(work, "edge-work"), path.join(work, "edge"));
    const prefix = path.join(work, "global");
    run("npm", ["install", "-g", "--prefix", prefix, "--offline", ...quiet.slice(0, 2), tgz], work);
    const help = await spawnTree(path.join(prefix, "bin/weft-gateway"), ["--help"], { env: bare }).output();
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: weft-gateway/);
  });
});
