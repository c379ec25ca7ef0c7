// `npx -y pnpm@12.21.0 release:pack [dir]`: the release's tarballs in dir (default release/):
// npm/ one per publishable package, edge/ one per service with its @weft packages bundled.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { edgeBundle, packAll, SERVICES } from "./pack.ts";

const out = path.resolve(process.argv[2] ?? "release");
const work = mkdtempSync(path.join(os.tmpdir(), "weft-release-"));
try {
  const tarballs = packAll(path.join(out, "npm"));
  for (const s of SERVICES)
    process.stdout.write(`${edgeBundle(s.name, tarballs, work, path.join(out, "edge"))}\n`);
  for (const t of tarballs.values()) process.stdout.write(`${t}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
