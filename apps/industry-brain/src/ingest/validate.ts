import { EARLIEST_READING_MS, MAX_FUTURE_SKEW_MS } from "@weft/core";

export interface RejectedReading {
  index: number;
  reason: string;
}

/**
 * Per-reading plausibility: a timestamp before 2000 or more than 5 minutes ahead of the brain's clock
 * is rejected with a reason (null when the reading is kept); the rest of the batch is kept.
 */
export function timestampProblem(ts: number, nowMs: number): string | null {
  if (ts < EARLIEST_READING_MS)
    return `ts ${new Date(ts).toISOString()} is before 2000-01-01: check the device clock`;
  if (ts > nowMs + MAX_FUTURE_SKEW_MS)
    return `ts ${new Date(ts).toISOString()} is more than 5 minutes ahead of the brain's clock: check the gateway's clock (NTP)`;
  return null;
}
