import { WeftError } from "@weft/core";
import { queryPrepared, type WeftDb } from "@weft/db";
import { sql } from "drizzle-orm";

/** A fixed-window hit counter per key (one window = one minute by default). */
export interface RateLimiter {
  /** Count one hit; true when the key is still within `limit` for the current window. */
  hit(key: string, limit: number, nowMs: number): Promise<boolean>;
  /** Hits of `key` in the current window, without counting one. */
  count(key: string, nowMs: number): Promise<number>;
  /** Forget a key (e.g. after a successful login). */
  reset(key: string): Promise<void>;
}

/**
 * Counters in this process's memory. Right for embedded PGlite (one process by construction); with
 * several brain processes each would allow the full limit, so PostgreSQL deployments use
 * {@link createSharedRateLimiter}.
 */
export function createRateLimiter(windowMs = 60_000): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return {
    async hit(key, limit, nowMs) {
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
    async count(key, nowMs) {
      const w = windows.get(key);
      return !w || nowMs - w.start >= windowMs ? 0 : w.count;
    },
    async reset(key) {
      windows.delete(key);
    },
  };
}

/**
 * Counters in the `rate_limits` table, shared by every brain process on the database: one upsert
 * per hit, so a limit holds however many replicas serve behind the load balancer. Expired windows
 * are swept at most once a window per process.
 */
export function createSharedRateLimiter(db: WeftDb, windowMs = 60_000): RateLimiter {
  let lastSweep = 0;
  const cutoff = (nowMs: number) => sql`to_timestamp(${(nowMs - windowMs) / 1000}::float8)`;
  return {
    async hit(key, limit, nowMs) {
      if (nowMs - lastSweep > windowMs) {
        lastSweep = nowMs;
        await queryPrepared(db, sql`delete from rate_limits where window_start <= ${cutoff(nowMs)}`);
      }
      // ON CONFLICT's SET sees the old row in both CASEs: a stale window restarts at 1.
      const [row] = await queryPrepared<{ hits: number }>(
        db,
        sql`insert into rate_limits as r (key, window_start, hits)
            values (${key}, to_timestamp(${nowMs / 1000}::float8), 1)
            on conflict (key) do update set
              hits = case when r.window_start > ${cutoff(nowMs)} then r.hits + 1 else 1 end,
              window_start = case when r.window_start > ${cutoff(nowMs)} then r.window_start
                else excluded.window_start end
            returning hits`,
      );
      return Number(row?.hits ?? 1) <= limit;
    },
    async count(key, nowMs) {
      const [row] = await queryPrepared<{ hits: number }>(
        db,
        sql`select hits from rate_limits where key = ${key} and window_start > ${cutoff(nowMs)}`,
      );
      return Number(row?.hits ?? 0);
    },
    async reset(key) {
      await queryPrepared(db, sql`delete from rate_limits where key = ${key}`);
    },
  };
}

/** Throws RATE_LIMITED when `key` exceeded `limit` hits in the current minute. */
export async function checkRateLimit(
  ctx: { rateLimiter: RateLimiter; now: () => number },
  key: string,
  limit: number,
): Promise<void> {
  if (!(await ctx.rateLimiter.hit(key, limit, ctx.now()))) {
    throw new WeftError("RATE_LIMITED", "too many requests; wait a minute and try again", {
      fix: "slow down: the limit resets every minute",
    });
  }
}
