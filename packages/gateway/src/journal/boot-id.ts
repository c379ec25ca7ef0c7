import * as fs from "node:fs";

/**
 * The running kernel's boot id (Linux), so the journal can tell a process crash (the page cache
 * survives: nothing written is lost) from a machine restart (a power cut may have taken what was
 * not fsynced). `WEFT_BOOT_ID` overrides it — for fault-injection tests only, which simulate a
 * power cut without one. null where the system has none (then every unclean stop counts as a restart).
 */
export function currentBootId(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | null {
  if (env.WEFT_BOOT_ID) return env.WEFT_BOOT_ID;
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || null;
  } catch {
    return null;
  }
}
