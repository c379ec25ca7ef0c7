import type { Reading } from "@weft/core";

export interface ReadingCollector {
  readonly readings: Reading[];
  sink(batch: readonly Reading[]): void;
  /** Readings received after index `from`. */
  since(from: number): Reading[];
}

/** A reading sink that keeps everything it receives. */
export function collectReadings(): ReadingCollector {
  const readings: Reading[] = [];
  return {
    readings,
    sink: (batch) => {
      for (const r of batch) readings.push(r);
    },
    since: (from) => readings.slice(from),
  };
}

/** Poll `check` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Count of active libuv handles by type (sockets, timers), to prove a stop released them. */
export function activeHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Handle types that grew from `before` to `after` (e.g. `TCPSocketWrap: 1 → 2`). */
export function leakedHandles(before: Map<string, number>, after: Map<string, number>): string[] {
  const leaks: string[] = [];
  for (const [type, n] of after) {
    if (!/TCP|Timeout|Timer|Pipe|TTY|UDP|FSReq|Immediate|Serial/i.test(type)) continue;
    const was = before.get(type) ?? 0;
    if (n > was) leaks.push(`${type}: ${was} → ${n}`);
  }
  return leaks;
}
