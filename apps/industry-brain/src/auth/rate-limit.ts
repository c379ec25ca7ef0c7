import { WeftError } from "@weft/core";

/**
 * A fixed-window counter per key. It is per process: with N brain replicas the
 * effective limit is up to N times higher (a shared limiter belongs in the load balancer).
 */
export interface RateLimiter {
  /** Count one hit; true when the key is still within `limit` for the current minute. */
  hit(key: string, limit: number, nowMs: number): boolean;
  /** Hits of `key` in the current window, without counting one. */
  count(key: string, nowMs: number): number;
  /** Forget a key (e.g. after a successful login). */
  reset(key: string): void;
}

export function createRateLimiter(windowMs = 60_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return {
    hit(key, limit, nowMs) {
      if (nowMs - lastSweep > windowMs) {
        for (const [k, w] of windows) if (nowMs - w.start >= windowMs) windows.delete(k);
        lastSweep = nowMs;
      }
      const w = windows.get(key);
      if (!w || nowMs - w.start >= windowMs) {
        windows.set(key, { start: nowMs, count: 1 });
        return limit >= 1;
      }
      w.count++;
      return w.count <= limit;
    },
    count(key, nowMs) {
      const w = windows.get(key);
      return !w || nowMs - w.start >= windowMs ? 0 : w.count;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}

/** Throws RATE_LIMITED when `key` exceeded `limit` hits in the current minute. */
export function checkRateLimit(
  ctx: { rateLimiter: RateLimiter; now: () => number },
  key: string,
  limit: number,
): void {
  if (!ctx.rateLimiter.hit(key, limit, ctx.now())) {
    throw new WeftError("RATE_LIMITED", "too many requests; wait a minute and try again", {
      fix: "slow down: the limit resets every minute",
    });
  }
}

/** Throws RATE_LIMITED when `key` already has `limit` hits this minute (counting none). */
export function assertNotLimited(
  ctx: { rateLimiter: RateLimiter; now: () => number },
  key: string,
  limit: number,
): void {
  if (ctx.rateLimiter.count(key, ctx.now()) >= limit) {
    throw new WeftError("RATE_LIMITED", "too many failed attempts; wait a minute and try again", {
      fix: "wait a minute before trying again",
    });
  }
}
