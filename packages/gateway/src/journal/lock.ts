import * as fs from "node:fs";
import * as path from "node:path";
import { WeftError } from "@weft/core";

/** The pid of the live process holding the journal in `dir`, or null. */
export function lockHolder(dir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, "LOCK"), "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM" ? -1 : null;
  }
}

/**
 * One process per journal: two writers would interleave records. The lock is a `LOCK` file with
 * the holder's pid; a lock whose process is gone (a crash) is taken over.
 */
export function lockJournal(dir: string): () => void {
  const holder = lockHolder(dir);
  if (holder !== null)
    throw new WeftError("CONFIG_INVALID", `the buffer in ${dir} is in use by process ${holder}`, {
      field: "gateway.dataDir",
      fix: "stop the other gateway, or give this one its own dataDir",
    });
  const file = path.join(dir, "LOCK");
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => {
    try {
      if (fs.readFileSync(file, "utf8").trim() === String(process.pid)) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
}
