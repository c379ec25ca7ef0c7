#!/usr/bin/env node
// `pnpm bench` runs every benchmark, `pnpm bench NAME` one. A benchmark is any
// `bench/NAME.bench.ts` under packages/ or apps/; it prints a readable table and,
// as its last line, one JSON object with the figures its issue names.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const entries = new Map();
for (const dir of ["packages", "apps"]) {
  for (const ws of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const benchDir = path.join(root, dir, ws.name, "bench");
    if (!ws.isDirectory() || !existsSync(benchDir)) continue;
    for (const f of readdirSync(benchDir)) {
      if (f.endsWith(".bench.ts"))
        entries.set(f.replace(/\.bench\.ts$/, ""), {
          file: path.join(benchDir, f),
          cwd: path.join(root, dir, ws.name),
        });
    }
  }
}
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
if (process.argv.includes("--help") || process.argv.includes("-h")) {
  console.log(`usage: pnpm bench [NAME…]\n\nentries: ${[...entries.keys()].sort().join(", ")}`);
  process.exit(0);
}
const unknown = wanted.filter((w) => !entries.has(w));
if (unknown.length) {
  console.error(
    `unknown bench entry: ${unknown.join(", ")}; known: ${[...entries.keys()].sort().join(", ")}`,
  );
  process.exit(2);
}
let status = 0;
for (const name of wanted.length ? wanted : [...entries.keys()].sort()) {
  const { file, cwd } = entries.get(name);
  console.log(`\n=== bench ${name} (${path.relative(root, file)})`);
  // Through NODE_OPTIONS the source condition also reaches the simulators a bench starts itself.
  const env = {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --conditions=@weft/source`.trim(),
  };
  const r = spawnSync(path.join(root, "node_modules", ".bin", "tsx"), [file], { cwd, env, stdio: "inherit" });
  if (r.status !== 0) status = r.status ?? 1;
}
process.exit(status);
