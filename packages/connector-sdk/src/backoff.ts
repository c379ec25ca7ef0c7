export interface BackoffOptions {
  /** First delay (default 250 ms). */
  initialMs?: number;
  /** Upper bound (default 30 s). */
  maxMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Fraction of the delay that is randomised, 0..1 (default 0.2: ±20 %). */
  jitter?: number;
}

/**
 * Delay before retry number `attempt` (0-based): exponential, capped, with jitter so that
 * many gateways do not reconnect in lockstep.
 * @example backoffDelay(3, { initialMs: 100 }) // ≈ 800 ms ± 20 %
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const initial = options.initialMs ?? 250;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const base = Math.min(max, initial * factor ** Math.max(0, attempt));
  const spread = base * jitter;
  return Math.max(0, Math.min(max, Math.round(base - spread + 2 * spread * random())));
}

/** Stateful helper: `next()` gives the next delay, `reset()` after a success. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly options: BackoffOptions = {},
    private readonly random: () => number = Math.random,
  ) {}

  next(): number {
    return backoffDelay(this.attempt++, this.options, this.random);
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/**
 * Wait `ms`, or less if `signal` aborts. Resolves `true` when the full time elapsed,
 * `false` when aborted; never rejects and leaves no timer behind.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
