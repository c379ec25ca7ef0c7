#!/usr/bin/env node
// The one test command (README Quick start and .ci/run): lint, typecheck, build what tests
// need, run every package's vitest suite through turbo, then print the totals from each
// package's vitest JSON report as one plain line `N passed, N failed, N skipped`.
// Exits non-zero when anything failed or when no test ran at all.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const workspaces = ["packages", "apps", "examples"].flatMap((dir) =>
  existsSync(path.join(root, dir))
    ? readdirSync(path.join(root, dir), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(path.join(root, dir, d.name, "package.json")))
        .map((d) => path.join(root, dir, d.name))
    : [],
);
const reportOf = (ws) => path.join(ws, "test-results", "vitest.json");

// Keep turbo quiet and offline: no telemetry prompt or upload from CI.
process.env.TURBO_TELEMETRY_DISABLED = "1";

function step(title, cmd, args) {
  console.log(`\n── ${title}: ${[path.basename(cmd), ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env: process.env });
  return r.status === 0;
}

// Stale reports from an earlier run must never be counted.
for (const ws of workspaces) rmSync(reportOf(ws), { force: true });

const concurrency = process.env.WEFT_TEST_CONCURRENCY ?? "2";
const ok = {
  lint: step("lint", bin("biome"), ["check", "."]),
  typecheck:
    step("typecheck", bin("turbo"), ["run", "typecheck", "--output-logs=errors-only"]) &&
    step("typecheck scripts", bin("tsc"), ["--noEmit", "-p", "scripts/tsconfig.json"]),
  test: step("tests", bin("turbo"), ["run", "test", "--continue", `--concurrency=${concurrency}`]),
};

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const ws of workspaces) {
  const pkg = JSON.parse(readFileSync(path.join(ws, "package.json"), "utf8"));
  if (!pkg.scripts?.test) continue;
  if (!existsSync(reportOf(ws))) {
    missing.push(pkg.name);
    continue;
  }
  const r = JSON.parse(readFileSync(reportOf(ws), "utf8"));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.success === false && !r.numFailedTests ? 1 : 0);
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
}
if (missing.length) console.log(`\nno test report from: ${missing.join(", ")}`);
for (const [name, good] of Object.entries(ok)) if (!good) console.log(`step failed: ${name}`);
if (passed + failed === 0) console.log("no test ran");
const allOk = Object.values(ok).every(Boolean) && failed === 0 && missing.length === 0 && passed > 0;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk ? 0 : 1);
