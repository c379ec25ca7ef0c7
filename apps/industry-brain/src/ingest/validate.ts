import { type BatchReading, EARLIEST_READING_MS, MAX_FUTURE_SKEW_MS } from "@weft/core";

export interface RejectedReading {
  index: number;
  reason: string;
}

/**
 * Per-reading plausibility: a timestamp before 2000 or more than 5 minutes ahead of the brain's clock
 * is rejected with a reason; the rest of the batch is kept.
 */
export function screenReadings(
  readings: readonly BatchReading[],
  nowMs: number,
): { kept: number[]; rejected: RejectedReading[] } {
  const kept: number[] = [];
  const rejected: RejectedReading[] = [];
  const latest = nowMs + MAX_FUTURE_SKEW_MS;
  for (let i = 0; i < readings.length; i++) {
    const ts = (readings[i] as BatchReading).ts;
    if (ts < EARLIEST_READING_MS) {
      rejected.push({
        index: i,
        reason: `ts ${new Date(ts).toISOString()} is before 2000-01-01: check the device clock`,
      });
    } else if (ts > latest) {
      rejected.push({
        index: i,
        reason: `ts ${new Date(ts).toISOString()} is more than 5 minutes ahead of the brain's clock: check the gateway's clock (NTP)`,
      });
    } else kept.push(i);
  }
  return { kept, rejected };
}
