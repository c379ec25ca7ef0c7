/**
 * Packing the release: one npm tarball per publishable package (`pnpm pack`, which turns
 * `workspace:` and `catalog:` ranges into versions), and for each service (gateway, brain,
 * simulators) an edge tarball that carries all it needs, so that
 * `npm install -g ./weft-gateway-<version>.tgz` works on a box with only Node.js.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Manifest } from "./scan.ts";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const PNPM = ["-y", "pnpm@12.21.0"];

export interface Publishable {
  name: string;
  dir: string;
  manifest: Manifest;
}

/** Workspace packages meant for npm: under packages/ or apps/, not `private`. */
export function publishable(root = ROOT): Publishable[] {
  return ["packages", "apps"].flatMap((group) =>
    readdirSync(path.join(root, group))
      .map((d) => path.join(root, group, d))
      .filter((dir) => existsSync(path.join(dir, "package.json")))
      .map((dir) => ({
        dir,
        manifest: JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest,
      }))
      .filter((p) => !p.manifest.private)
      .map((p) => ({ ...p, name: p.manifest.name })),
  );
}

export function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`.slice(-4000),
    );
  return r.stdout;
}

/** The npm file name of a package's tarball: `@weft/gateway@0.1.0` → `weft-gateway-0.1.0.tgz`. */
export const tarballName = (name: string, version: string) =>
  `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;

/** `pnpm pack` every publishable package into `outDir`; each must be built (dist/) first. */
export function packAll(outDir: string, root = ROOT): Map<string, string> {
  const pkgs = publishable(root);
  const unbuilt = pkgs.filter((p) => !existsSync(path.join(p.dir, "dist")));
  if (unbuilt.length)
    throw new Error(`not built: ${unbuilt.map((p) => p.name).join(", ")}; run \`npx -y pnpm@12.21.0 build\``);
  mkdirSync(outDir, { recursive: true });
  const filters = pkgs.flatMap((p) => ["--filter", p.name]);
  run("npx", [...PNPM, "-r", ...filters, "pack", "--pack-destination", outDir], root);
  return new Map(pkgs.map((p) => [p.name, path.join(outDir, tarballName(p.name, p.manifest.version))]));
}

/** Unpack a tarball's `package/` into `dir`. */
export function unpack(tgz: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  run("tar", ["-xzf", tgz, "-C", dir, "--strip-components=1"], dir);
}

/** Every file of an unpacked package, path (relative, `/`) → text. */
export function readTree(dir: string, rel = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [k, v] of readTree(dir, p)) out.set(k, v);
    else out.set(p, readFileSync(path.join(dir, p), "utf8"));
  }
  return out;
}

/** The @weft packages `name` needs at run time, itself excluded, from the packed manifests. */
export function weftClosure(name: string, manifests: ReadonlyMap<string, Manifest>): string[] {
  const seen = new Set<string>();
  const visit = (n: string) => {
    for (const dep of Object.keys(manifests.get(n)?.dependencies ?? {}))
      if (manifests.has(dep) && !seen.has(dep)) {
        seen.add(dep);
        visit(dep);
      }
  };
  visit(name);
  return [...seen].sort();
}

/**
 * The edge tarball of a service: its package with every run-time dependency inside
 * (`bundleDependencies: true`), the @weft ones from `tarballs` and the rest from the registry (or
 * npm's cache), so that `npm install -g` of it needs no registry at all: an edge box may be
 * offline. Native parts come as the prebuilt binaries of the platform it was packed on.
 */
export function edgeBundle(
  name: string,
  tarballs: ReadonlyMap<string, string>,
  work: string,
  outDir: string,
): string {
  const manifests = new Map<string, Manifest>();
  for (const [n, tgz] of tarballs) {
    const dir = path.join(work, "unpacked", n.replace("/", "__"));
    if (!existsSync(dir)) unpack(tgz, dir);
    manifests.set(n, JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Manifest);
  }
  const stage = path.join(work, "edge", name.replace("/", "__"));
  unpack(tarballs.get(name) ?? "", stage);
  const manifest = JSON.parse(readFileSync(path.join(stage, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  delete manifest.devDependencies;
  delete manifest.scripts;
  manifest.bundleDependencies = true;
  writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const local = weftClosure(name, manifests).map((n) => tarballs.get(n) ?? n);
  const quiet = ["--no-audit", "--no-fund", "--prefer-offline", "--ignore-scripts"];
  run("npm", ["install", "--no-save", "--omit=dev", ...quiet, ...local], stage);
  mkdirSync(outDir, { recursive: true });
  run("npm", ["pack", "--ignore-scripts", "--pack-destination", outDir], stage);
  return path.join(outDir, tarballName(name, String(manifest.version)));
}

/** The services and the bin each installs. */
export const SERVICES = [
  { name: "@weft/gateway", bin: "weft-gateway" },
  { name: "@weft/industry-brain", bin: "weft-brain" },
  { name: "@weft/simulators", bin: "weft-sim" },
] as const;
