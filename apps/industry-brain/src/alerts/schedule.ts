import type { DbHandle } from "@weft/db";
import type { Logger } from "pino";
import { deliverDue } from "./deliver.ts";
import { evaluateAlerts } from "./evaluator.ts";

export interface AlertSchedule {
  /** One evaluation and one delivery round now (also what the timer runs). */
  runOnce(): Promise<void>;
  stop(): void;
}

/** Evaluate the alert rules and send due webhooks every `everyMs` (default 30 s). */
export function startAlerts(
  h: DbHandle,
  logger: Logger,
  opts: { now: () => number; staleAfterMs: number; allowPrivateTargets: boolean; everyMs?: number },
): AlertSchedule {
  let running: Promise<void> | null = null;
  const runOnce = () => {
    running ??= (async () => {
      const e = await evaluateAlerts(h, opts.now(), opts.staleAfterMs);
      if (e.opened || e.resolved) logger.info(e, "alerts evaluated");
      const d = await deliverDue(h, { now: opts.now, allowPrivateTargets: opts.allowPrivateTargets });
      if (d.delivered || d.retried || d.failed) logger.info(d, "alert webhooks sent");
    })()
      .catch((err: unknown) => logger.error({ err }, "alert evaluation failed"))
      .finally(() => {
        running = null;
      });
    return running;
  };
  // A first round soon after start (not during it: migrations and the first requests go first).
  const first = setTimeout(() => void runOnce(), 5_000);
  const timer = setInterval(() => void runOnce(), opts.everyMs ?? 30_000);
  first.unref();
  timer.unref();
  return {
    runOnce,
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
