import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Reading } from "@weft/core";
import { type PressServer, type PressServerOptions, startPressServer } from "@weft/simulators/press";

export async function tempDir(prefix: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function startSim(options: PressServerOptions = {}): Promise<PressServer> {
  return startPressServer({ port: 0, hostname: "localhost", speed: 60, ...options });
}

export function collector() {
  const readings: Reading[] = [];
  return {
    readings,
    sink: (batch: readonly Reading[]) => {
      readings.push(...batch);
    },
    signal: new AbortController().signal,
    of: (point: string) => readings.filter((r) => r.point === point),
  };
}

export async function until<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
