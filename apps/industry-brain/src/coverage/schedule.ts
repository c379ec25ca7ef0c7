import type { DbHandle } from "@weft/db/client";
import type { Logger } from "pino";
import { dayOf, snapshotCoverage } from "./snapshot.ts";

export interface SnapshotSchedule {
  /** Run one snapshot now (also what the timer runs). */
  runOnce(): Promise<void>;
  stop(): void;
}

/**
 * Keep today's coverage snapshot current: once at start, then every `everyMs` (default hourly).
 * Snapshots are idempotent per day, so several brain replicas may all run this safely.
 * @example const s = startCoverageSnapshots(handle, logger); … s.stop();
 */
export function startCoverageSnapshots(h: DbHandle, logger: Logger, everyMs = 3_600_000): SnapshotSchedule {
  let running: Promise<void> | null = null;
  const runOnce = () => {
    running ??= snapshotCoverage(h, dayOf(new Date()))
      .then((r) => logger.debug(r, "coverage snapshot stored"))
      .catch((err: unknown) => logger.error({ err }, "coverage snapshot failed"))
      .finally(() => {
        running = null;
      });
    return running;
  };
  void runOnce();
  const timer = setInterval(() => void runOnce(), everyMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
