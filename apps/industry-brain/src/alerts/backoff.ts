/**
 * Webhook retry schedule: exponential backoff with jitter, capped, and a finite number of attempts
 * so a dead endpoint is given up on (the delivery is marked failed), never retried forever.
 */
export const DELIVERY_POLICY = {
  baseMs: 5_000,
  maxDelayMs: 15 * 60_000,
  maxAttempts: 8,
} as const;

export type RetryPolicy = { baseMs: number; maxDelayMs: number; maxAttempts: number };

/**
 * When to try again after `attempts` failed attempts (1 = the first failed), or null to give up.
 * `random` in [0, 1) spreads retries of many deliveries (full jitter over the upper half).
 */
export function nextAttemptAt(
  attempts: number,
  now: number,
  random: number,
  policy: RetryPolicy = DELIVERY_POLICY,
): number | null {
  if (attempts >= policy.maxAttempts) return null;
  const exp = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const r = Math.min(Math.max(random, 0), 0.999_999);
  return now + Math.round(exp / 2 + (exp / 2) * r);
}
