#!/usr/bin/env node
// Builds one workspace package (run from its folder, as its `build` script): plain `tsc -p
// tsconfig.build.json` to dist/ (ESM, .d.ts, source maps; `rewriteRelativeImportExtensions` turns
// our `./x.ts` imports into `./x.js`), then copies the assets the package lists in
// `weft.copy` ({ "from": "to" } relative to the package). dist/ is emptied first so a file
// removed from src/ never lingers in a published tarball.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const pkgDir = process.cwd();
const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
rmSync(path.join(pkgDir, "dist"), { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: pkgDir, stdio: "inherit" });
if (r.status !== 0) process.exit(r.status ?? 1);

// tsc rewrites `./x.ts` to `./x.js` in the JavaScript but leaves it in the declarations; a
// consumer's tsc without allowImportingTsExtensions would refuse such a path, so rewrite it too.
const RELATIVE_TS = /((?:from|import)\s*\(?\s*["'])(\.{1,2}\/[^"']*?)\.ts(["'])/g;
for (const file of walk(path.join(pkgDir, "dist"))) {
  if (!file.endsWith(".d.ts")) continue;
  const text = readFileSync(file, "utf8");
  const fixed = text.replace(RELATIVE_TS, "$1$2.js$3");
  if (fixed !== text) writeFileSync(file, fixed);
}

for (const [from, to] of Object.entries(pkg.weft?.copy ?? {})) {
  const src = path.join(pkgDir, from);
  if (!existsSync(src)) {
    console.error(`${pkg.name}: weft.copy source ${from} does not exist (build it first)`);
    process.exit(1);
  }
  rmSync(path.join(pkgDir, to), { recursive: true, force: true });
  cpSync(src, path.join(pkgDir, to), { recursive: true });
}
// A bin must be executable once installed (npm sets the mode too, but a tarball run in place
// or a `node dist/bin.js` from a checkout should not depend on that).
for (const file of Object.values(typeof pkg.bin === "string" ? { x: pkg.bin } : (pkg.bin ?? {}))) {
  const p = path.join(pkgDir, file);
  if (existsSync(p)) chmodSync(p, 0o755);
}

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}
