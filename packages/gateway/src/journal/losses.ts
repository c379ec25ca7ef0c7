/**
 * Why buffered readings were lost:
 * - `buffer-full`: the byte bound was reached and the overflow policy dropped them;
 * - `damaged`: bytes in the middle of a segment no longer checked out (quarantined);
 * - `torn-tail`: the newest segment ended in a record the crash cut short;
 * - `power-cut`: the machine restarted (a power cut) and records appended inside the fsync window
 *   never reached the disk (`fsync: interval` or `off`);
 * - `unreadable`: a record that checked out when the journal opened failed its check when read.
 */
export type LossReason = "buffer-full" | "damaged" | "torn-tail" | "power-cut" | "unreadable";

export const LOSS_REASONS: readonly LossReason[] = [
  "buffer-full",
  "damaged",
  "torn-tail",
  "power-cut",
  "unreadable",
];

/** One loss: which batches (a seq range of the journal) and how many readings. */
export interface LossEntry {
  reason: LossReason;
  fromSeq: number;
  toSeq: number;
  batches: number;
  /** Readings lost; null when nothing on disk says how many (see `note`). */
  readings: number | null;
  at: number;
  segment?: string;
  /** What is known beyond the counts, e.g. that batches after `toSeq` may be lost too. */
  note?: string;
}

export type LossTotals = Record<LossReason, { batches: number; readings: number }>;

export function emptyTotals(): LossTotals {
  return Object.fromEntries(LOSS_REASONS.map((r) => [r, { batches: 0, readings: 0 }])) as LossTotals;
}

/** How many loss entries the cursor keeps for `status` (totals count them all). */
export const LOSSES_KEPT = 50;

/**
 * Readings lost between two valid records, from their running counts: exact when both are of the
 * current record format, else null.
 */
export function readingsBetween(
  before: { cum: number | null; readings: number } | null,
  afterCum: number | null,
): number | null {
  if (afterCum === null) return null;
  const start = before === null ? null : before.cum === null ? null : before.cum + before.readings;
  return start === null ? null : Math.max(0, afterCum - start);
}
