import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function newest(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) max = Math.max(max, newest(join(path, e)));
  return max;
}

/** True when dist/ is missing or older than any source the build reads. */
export function distIsStale(): boolean {
  const built = join(root, "dist", "index.html");
  if (!existsSync(built)) return true;
  const at = statSync(built).mtimeMs;
  const inputs = ["src", "public", "index.html", "vite.config.ts"].map((p) => join(root, p));
  return inputs.some((p) => existsSync(p) && newest(p) > at);
}

/** vitest globalSetup: build park-admin with vite's API when dist/ is missing or stale. */
export default async function setup(): Promise<void> {
  if (!distIsStale()) return;
  const { build } = await import("vite");
  const started = Date.now();
  await build({ root, logLevel: "warn", configFile: join(root, "vite.config.ts") });
  console.log(`park-admin built into dist/ in ${Date.now() - started} ms`);
}
