import { EARLIEST_READING_MS, MAX_FUTURE_SKEW_MS } from "@weft/core";

export interface RejectedReading {
  index: number;
  reason: string;
}

/**
 * Per-reading plausibility. The accepted window is [2000-01-01T00:00:00Z, the brain's clock + 5 min]:
 * a timestamp outside it is rejected with a reason (null when the reading is kept); the rest of the
 * batch is kept. Never throws, whatever the number (a ts past JavaScript's date range, 8.64e15 ms,
 * has no ISO form and is named in ms).
 */
export function timestampProblem(ts: number, nowMs: number): string | null {
  if (ts < EARLIEST_READING_MS) return `ts ${iso(ts)} is before 2000-01-01: check the device clock`;
  if (ts > nowMs + MAX_FUTURE_SKEW_MS)
    return `ts ${iso(ts)} is more than 5 minutes ahead of the brain's clock: check the gateway's clock (NTP)`;
  return null;
}

function iso(ts: number): string {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? `${ts} ms (not a date)` : d.toISOString();
}
