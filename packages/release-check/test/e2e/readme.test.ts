// Every code block of every README (and docs/deploy.md) is checked: TypeScript blocks compile
// against the workspace packages, gateway configs pass `weft-gateway check`, shell commands name
// scripts and CLI options that exist (through the pinned pnpm, never a bare `pnpm`), and any other
// block is mirrored line for line by a file of the repository. A block that cannot be checked says
// why in a `<!-- readme-check: skip REASON -->` comment right above it, and shows as skipped.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createDefaultRegistry, loadAndValidate } from "@weft/gateway";
import { cleanup, spawnNodeTs, tempDir } from "@weft/test-processes";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../../src/pack.ts";
import { type CodeBlock, codeBlocks, mirrors } from "../../src/readme-blocks.ts";

afterAll(() => cleanup());

const files = execFileSync("git", ["ls-files", "*README.md", "docs/deploy.md"], {
  cwd: ROOT,
  encoding: "utf8",
})
  .trim()
  .split("\n");

interface Checked extends CodeBlock {
  /** From `<!-- readme-check: skip REASON -->` or `<!-- readme-check: prelude CODE -->` above the fence. */
  skip?: string;
  prelude?: string;
}

function blocksOf(file: string): Checked[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const lines = text.split("\n");
  return codeBlocks(file, text).map((b) => {
    const above = lines[b.line - 2] ?? "";
    const m = /^<!-- readme-check: (skip|prelude) (.*) -->$/.exec(above.trim());
    return m?.[1] === "skip" ? { ...b, skip: m[2] } : m?.[1] === "prelude" ? { ...b, prelude: m[2] } : b;
  });
}

const all = files.flatMap(blocksOf);
const name = (b: CodeBlock) => `${b.file}:${b.line} (${b.lang || "text"})`;

// --- TypeScript: one tsc run over every block, each block a module of its own ---------------------
const tsDir = path.join(ROOT, "packages/release-check/.readme-blocks");
const tsBlocks = all.filter((b) => (b.lang === "ts" || b.lang === "typescript") && !b.skip);
const fileOf = (b: CodeBlock) => `${b.file.replace(/[^\w]/g, "_")}_L${b.line}.ts`;
let diagnostics: string | undefined;
function typecheck(): string {
  if (diagnostics !== undefined) return diagnostics;
  rmSync(tsDir, { recursive: true, force: true });
  mkdirSync(tsDir, { recursive: true });
  for (const b of tsBlocks)
    writeFileSync(path.join(tsDir, fileOf(b)), `${b.prelude ?? ""}\n${b.text}\nexport {};\n`);
  writeFileSync(
    path.join(tsDir, "tsconfig.json"),
    JSON.stringify({
      extends: "../../../tsconfig.base.json",
      compilerOptions: { types: ["node", "vitest/globals"] },
      include: ["*.ts"],
    }),
  );
  const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", tsDir], { encoding: "utf8" });
  diagnostics = `${r.stdout}${r.stderr}`;
  rmSync(tsDir, { recursive: true, force: true });
  return diagnostics;
}

// --- shell: scripts and CLI options that exist -----------------------------------------------------
const PINNED = "npx -y pnpm@12.21.0";
const rootScripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<
  string,
  string
>;
const CLIS: Record<string, string> = {
  "weft-gateway": "packages/gateway/src/bin.ts",
  "weft-sim": "packages/simulators/src/bin.ts",
  "weft-brain": "apps/industry-brain/src/bin.ts",
};
const PROGRAMS = new Set([
  ".",
  "cp",
  "mkdir",
  "npm",
  "printf",
  "docker",
  "curl",
  "cd",
  "set",
  "install",
  "useradd",
  "systemctl",
  "export",
  "node",
  "tar",
]);
const helpCache = new Map<string, Promise<string>>();
function help(cli: string, sub: string[]): Promise<string> {
  const key = `${cli} ${sub.join(" ")}`;
  if (!helpCache.has(key))
    helpCache.set(
      key,
      spawnNodeTs(path.join(ROOT, CLIS[cli] ?? ""), [...sub, "--help"], { env: { LOG_LEVEL: "silent" } })
        .output()
        .then((o) => o.stdout),
    );
  return helpCache.get(key) as Promise<string>;
}

/** Problems of one shell command (env assignments and a trailing `&` already removed). */
async function commandProblems(cmd: string): Promise<string[]> {
  if (/^pnpm\s/.test(cmd)) return [`"${cmd}": use the pinned "${PINNED}", not a bare pnpm`];
  let words = cmd.split(/\s+/);
  if (cmd.startsWith(PINNED)) {
    words = words.slice(3);
    const filter = words[0] === "--filter" ? words[1] : undefined;
    if (filter) words = words.slice(2);
    const script = words[0] ?? "";
    if (script === "install") return [];
    if (filter) {
      const pkg = ["packages", "apps", "examples"]
        .flatMap((g) =>
          existsSync(path.join(ROOT, g))
            ? execFileSync("ls", [path.join(ROOT, g)], { encoding: "utf8" })
                .split("\n")
                .map((d) => path.join(ROOT, g, d, "package.json"))
            : [],
        )
        .filter((p) => existsSync(p))
        .map((p) => JSON.parse(readFileSync(p, "utf8")) as { name: string; scripts?: Record<string, string> })
        .find((p) => p.name === filter);
      return pkg?.scripts?.[script] ? [] : [`"${cmd}": ${filter} has no script ${script}`];
    }
    if (!rootScripts[script]) return [`"${cmd}": the root package.json has no script ${script}`];
    if (!CLIS[script]) return [];
  }
  const cli = words[0] ?? "";
  if (!CLIS[cli]) return PROGRAMS.has(cli) ? [] : [`"${cmd}": ${cli} is not a command this test knows`];
  const args = words.slice(1);
  const top = await help(cli, []);
  const sub =
    args[0] && !args[0].startsWith("-") && new RegExp(`^  ${args[0]}\\b`, "m").test(top) ? [args[0]] : [];
  if (args[0] && !args[0].startsWith("-") && sub.length === 0)
    return [`"${cmd}": ${cli} has no command ${args[0]}`];
  if (args[0] === "admin" && args[1]) sub.push(args[1]);
  const text = await help(cli, sub);
  return args
    .filter((a) => a.startsWith("--"))
    .map((a) => a.split("=")[0] ?? a)
    .filter((flag) => flag !== "--help" && !text.includes(flag))
    .map((flag) => `"${cmd}": ${cli} ${sub.join(" ")} has no option ${flag}`);
}

function commandsOf(text: string): string[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.replace(/\s+#\s.*$/, "").trim())
    .filter((l) => l && !l.startsWith("#"))
    .flatMap((l) => l.split(/\s*(?:&&|;|\|)\s*/))
    .map((c) => c.replace(/&$/, "").trim())
    .map((c) => c.replace(/^(\w+=\S*\s+)+/, "").replace(/^sudo -u \w+\s+/, ""))
    .filter(Boolean);
}

// --- gateway configs: `check` in a folder with the device files they name --------------------------
async function gatewayConfigProblems(b: CodeBlock): Promise<string[]> {
  const dir = tempDir("weft-readme-gw-");
  writeFileSync(path.join(dir, "gateway.yaml"), b.text);
  for (const m of b.text.matchAll(/file:\s*([\w./-]+\.(?:yaml|csv))/g)) {
    const file = m[1] ?? "";
    // The file must be beside the README, or the README must say where to copy it from.
    const copy = readFileSync(path.join(ROOT, b.file), "utf8")
      .split("\n")
      .map((l) => /^cp (\S+) \./.exec(l)?.[1])
      .find((src) => src !== undefined && path.basename(src) === path.basename(file));
    const beside = path.join(ROOT, path.dirname(b.file), file);
    const from = existsSync(beside) ? beside : copy ? path.join(ROOT, copy) : "";
    if (!existsSync(from))
      return [`${name(b)}: ${file} is not beside the README, nor copied by it (cp SRC .)`];
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(from, path.join(dir, file));
  }
  const env = {
    WEFT_API_KEY: "k",
    WEFT_MQTT_PASSWORD: "p",
    BRAIN_URL: "http://127.0.0.1:3000/trpc",
    ...process.env,
  };
  try {
    await loadAndValidate(path.join(dir, "gateway.yaml"), createDefaultRegistry(), env);
    return [];
  } catch (err) {
    return [`${name(b)}: weft-gateway check fails: ${(err as Error).message}`];
  }
}

const sources = execFileSync("git", ["ls-files", "*.ts", "*.tsx", "*.yaml", "*.csv", "*.mjs", "*.conf"], {
  cwd: ROOT,
  encoding: "utf8",
})
  .trim()
  .split("\n")
  .filter((f) => f !== "pnpm-lock.yaml")
  .map((f) => readFileSync(path.join(ROOT, f), "utf8"));

describe.each(files)("%s", (file) => {
  const blocks = all.filter((b) => b.file === file);
  if (blocks.length === 0) it("has no code block", () => expect(blocks).toEqual([]));
  for (const b of blocks) {
    if (b.skip) {
      it.skip(`${name(b)}: ${b.skip}`, () => {});
      continue;
    }
    it(name(b), async () => {
      // A block a file of the repository holds line for line is checked where that file is.
      if (b.lang !== "sh" && sources.some((s) => mirrors(b.text, s))) return;
      if (b.lang === "ts" || b.lang === "typescript") {
        const mine = typecheck()
          .split("\n")
          .filter((l) => l.includes(fileOf(b)));
        expect(mine).toEqual([]);
      } else if (b.lang === "sh" || b.lang === "bash") {
        const problems = (await Promise.all(commandsOf(b.text).map(commandProblems))).flat();
        expect(problems).toEqual([]);
      } else if (b.lang === "yaml" && (parse(b.text) as { devices?: unknown; gateway?: unknown })?.gateway) {
        expect(await gatewayConfigProblems(b)).toEqual([]);
      } else if (/^[\w-]+\/\s*$/m.test(b.text)) {
        expect(missingFolders(b.text)).toEqual([]);
      } else {
        expect(
          sources.some((s) => mirrors(b.text, s)),
          `${name(b)} is mirrored by no file of the repository`,
        ).toBe(true);
      }
    });
  }
});

/** The folders a folder map (`packages/` then indented `core/` …) names that do not exist. */
function missingFolders(map: string): string[] {
  let group = "";
  const missing: string[] = [];
  for (const line of map.split("\n")) {
    const top = /^([\w-]+\/)/.exec(line)?.[1];
    const sub = /^ {2}([\w-]+\/)/.exec(line)?.[1];
    if (top) group = top;
    const dir = top ?? (sub ? group + sub : undefined);
    if (dir && !existsSync(path.join(ROOT, dir))) missing.push(dir);
  }
  return missing;
}
