// The deployment files under deploy/: systemd units that systemd accepts, an env template the brain
// and the gateway accept, Dockerfiles and a compose file whose every reference resolves.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDefaultRegistry, loadAndValidate } from "@weft/gateway";
import { readEnv } from "@weft/industry-brain";
import { cleanup, tempDir } from "@weft/test-processes";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { publishable, ROOT, SERVICES, tarballName } from "../../src/pack.ts";

const deploy = (...p: string[]) => path.join(ROOT, "deploy", ...p);
const UNITS = ["weft-gateway.service", "weft-brain.service"];
const hasAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

afterAll(() => cleanup());

/** NAME=value lines of an env file (comments and blank lines skipped), as systemd reads them. */
function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    if (!line.trim() || line.startsWith("#")) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!m?.[1]) throw new Error(`not NAME=value: ${line}`);
    out[m[1]] = m[2] ?? "";
  }
  return out;
}

/** `systemd-analyze verify` in a root that has systemd's own units and the units' commands. */
function verify(units: Record<string, string>): { status: number | null; output: string } {
  const root = tempDir("weft-units-");
  mkdirSync(path.join(root, "usr/lib/systemd"), { recursive: true });
  cpSync("/lib/systemd/system", path.join(root, "usr/lib/systemd/system"), { recursive: true });
  mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
  mkdirSync(path.join(root, "usr/local/bin"), { recursive: true });
  for (const [name, text] of Object.entries(units)) {
    writeFileSync(path.join(root, "etc/systemd/system", name), text);
    for (const m of text.matchAll(/^Exec\w+=(\S+)/gm)) {
      const exe = path.join(root, m[1] ?? "");
      writeFileSync(exe, "#!/bin/sh\n");
      chmodSync(exe, 0o755);
    }
  }
  const r = spawnSync(
    "systemd-analyze",
    ["verify", `--root=${root}`, ...Object.keys(units).map((u) => `/etc/systemd/system/${u}`)],
    { encoding: "utf8" },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe("systemd units", () => {
  const units = Object.fromEntries(UNITS.map((u) => [u, readFileSync(deploy("systemd", u), "utf8")]));

  it.skipIf(!hasAnalyze)("pass systemd-analyze verify without a single complaint", () => {
    expect(verify(units)).toEqual({ status: 0, output: "" });
  });

  it.skipIf(!hasAnalyze)("the check would catch a broken unit", () => {
    const broken = units["weft-gateway.service"]?.replace("Restart=always", "Restart=sometimes") ?? "";
    expect(verify({ "weft-gateway.service": broken }).output).toMatch(/restart specifier/);
  });

  it("run the installed bins with the env file the template is for", () => {
    const gw = units["weft-gateway.service"] ?? "";
    expect(gw).toMatch(/^ExecStart=\/usr\/local\/bin\/weft-gateway run -c \/etc\/weft\/gateway\.yaml$/m);
    expect(gw).toMatch(/^EnvironmentFile=\/etc\/weft\/gateway\.env$/m);
    expect(units["weft-brain.service"]).toMatch(/^ExecStart=\/usr\/local\/bin\/weft-brain$/m);
  });

  it.runIf(!hasAnalyze)("skipped: systemd-analyze is not installed (apt-get install systemd)", () => {
    expect(hasAnalyze).toBe(false);
  });
});

describe("env template", () => {
  const env = envFile(readFileSync(deploy("weft.env.example"), "utf8"));

  it("is accepted by the brain's settings parser as it stands", () => {
    const parsed = readEnv(env);
    expect(parsed.DATABASE_URL).toMatch(/^postgres:\/\//);
    expect(parsed.WEFT_COOKIE_SECURE).toBe(true);
    expect(parsed.HOST).toBe("127.0.0.1");
  });

  it("fills every placeholder of the compose trial's gateway.yaml, which then passes check", async () => {
    const dir = tempDir("weft-compose-gw-");
    const devices = path.join(ROOT, "packages/simulators/devices");
    const text = readFileSync(deploy("gateway.compose.yaml"), "utf8").replaceAll(
      "/etc/weft/devices",
      devices,
    );
    writeFileSync(path.join(dir, "gateway.yaml"), text);
    for (const m of text.matchAll(/\$\{(\w+)/g)) expect(Object.keys(env)).toContain(m[1]);
    const config = await loadAndValidate(path.join(dir, "gateway.yaml"), createDefaultRegistry(), env);
    expect(config.config.devices.map((d) => d.id)).toEqual(["press-01", "robot-01"]);
  });
});

describe("Dockerfiles and compose", () => {
  const bins = new Map(SERVICES.map((s) => [s.bin, s.name]));
  const versions = new Map(publishable().map((p) => [p.name, p.manifest.version]));
  const dockerfiles = ["gateway.Dockerfile", "brain.Dockerfile", "sim.Dockerfile"];

  it.each(dockerfiles)(
    "%s: node:20-slim, installs an edge tarball release:pack makes, runs its bin as node",
    (f) => {
      const lines = readFileSync(deploy("docker", f), "utf8")
        .split("\n")
        .filter((l) => l.trim() && !l.startsWith("#"));
      const instr = lines.map((l) => l.split(/\s+/)[0]);
      expect(lines[0]).toBe("FROM node:20-slim");
      for (const i of instr)
        expect([
          "FROM",
          "COPY",
          "RUN",
          "USER",
          "WORKDIR",
          "VOLUME",
          "ENV",
          "EXPOSE",
          "ENTRYPOINT",
          "CMD",
        ]).toContain(i);
      const entry = JSON.parse(
        lines.find((l) => l.startsWith("ENTRYPOINT"))?.slice("ENTRYPOINT".length) ?? "[]",
      );
      const pkg = bins.get(entry[0]);
      expect(pkg, `ENTRYPOINT ${entry[0]} is not a Weft bin`).toBeDefined();
      const copy = lines.find((l) => l.startsWith("COPY"))?.split(/\s+/)[1] ?? "";
      const made = `release/edge/${tarballName(pkg ?? "", versions.get(pkg ?? "") ?? "")}`;
      expect(new RegExp(`^${copy.replaceAll(".", "\\.").replace("*", ".*")}$`).test(made)).toBe(true);
      expect(lines.at(instr.lastIndexOf("USER"))).toBe("USER node");
      expect(instr.lastIndexOf("USER")).toBeGreaterThan(instr.lastIndexOf("RUN"));
    },
  );

  it("compose.yaml: brain, PostgreSQL, a gateway and simulators, every file it names exists", () => {
    const compose = parse(readFileSync(deploy("compose.yaml"), "utf8")) as {
      services: Record<
        string,
        { build?: { context: string; dockerfile: string }; image?: string; volumes?: string[] }
      >;
    };
    expect(Object.keys(compose.services).sort()).toEqual(["brain", "gateway", "postgres", "press", "robot"]);
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build)
        expect(existsSync(path.join(deploy(), s.build.context, s.build.dockerfile)), name).toBe(true);
      else expect(s.image, name).toMatch(/^postgres:\d+$/);
      for (const v of s.volumes ?? []) {
        const host = v.split(":")[0] ?? "";
        if (host.startsWith("."))
          expect(existsSync(path.join(deploy(), host)), `${name}: ${host}`).toBe(true);
      }
    }
  });
});
