import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface Killable {
  kill(): void;
  stop(graceMs?: number): Promise<unknown>;
}

const trees = new Set<Killable>();
const dirs = new Set<string>();
let hooked = false;

/**
 * Last-resort cleanup when this process ends: SIGKILL every tree still running and remove every
 * temp folder. On SIGTERM/SIGINT/SIGHUP (how test runners stop workers) the cleanup runs and the
 * signal is raised again, so the process still dies of it.
 */
function hook(): void {
  if (hooked) return;
  hooked = true;
  process.once("exit", cleanupSync);
  for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(sig, () => {
      cleanupSync();
      process.kill(process.pid, sig);
    });
  }
}

function cleanupSync(): void {
  for (const t of trees) t.kill();
  trees.clear();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

/** Register a running tree; returns the function that forgets it. */
export function track(tree: Killable): () => void {
  hook();
  trees.add(tree);
  return () => trees.delete(tree);
}

/**
 * A new empty folder under the OS temp dir (`<prefix><pid>-XXXXXX`), removed by {@link cleanup}
 * and, at the latest, when this process exits. A process killed outright (SIGKILL) cannot clean
 * up, so folders with the same prefix whose process is gone are swept here.
 * @example const root = tempDir("weft-gw-faults-");
 */
export function tempDir(prefix: string): string {
  hook();
  sweepOrphans(prefix);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}${process.pid}-`));
  dirs.add(dir);
  return dir;
}

function sweepOrphans(prefix: string): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid))
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Stop every tree still running (SIGTERM, then SIGKILL after `graceMs`) and remove every temp
 * folder. Call it from `afterAll`: it runs whether the tests passed or failed.
 */
export async function cleanup(graceMs = 3000): Promise<void> {
  await Promise.all([...trees].map((t) => t.stop(graceMs)));
  trees.clear();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

/** How many trees are still registered (for tests of this package). */
export function runningTrees(): number {
  return trees.size;
}
