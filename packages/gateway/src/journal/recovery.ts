import { type LossEntry, readingsBetween } from "./losses.ts";
import type { JournalEvent } from "./options.ts";
import {
  type Gap,
  listSegmentFiles,
  loadSegment,
  type QuarantineReport,
  type RecordEntry,
  type Segment,
} from "./segment.ts";

export interface RecoveredSegments {
  /** Every segment on disk, oldest first, repaired where it was damaged. */
  segments: Segment[];
  quarantined: QuarantineReport[];
  /** Highest seq in any segment; 0 when there are none. */
  lastSeq: number;
  /** Readings in the records after `ackedSeq`. */
  pendingReadings: number;
  /** Records lost to damage in the middle of segments (tails are judged by the journal). */
  losses: LossEntry[];
  /** A torn tail cut from the newest segment: its bytes and the headers still legible in it. */
  tornTail: { segment: string; bytes: number; declared: { seq: number; readings: number }[] } | null;
}

/**
 * Verify every segment in `dir` when the journal opens (see `loadSegment`):
 * only the newest segment may end in a torn tail, since only it was being
 * written when the process died. Quarantines and torn tails are reported
 * through `onEvent` as they are found; every damaged stretch becomes a loss
 * with its seq range and, from the running counts of the records around it,
 * its exact number of readings.
 */
export function recoverSegments(
  dir: string,
  ackedSeq: number,
  now: () => number,
  onEvent: (e: JournalEvent) => void,
): RecoveredSegments {
  const segments: Segment[] = [];
  const quarantined: QuarantineReport[] = [];
  const gaps: { seg: number; gap: Gap }[] = [];
  let tornTail: RecoveredSegments["tornTail"] = null;
  const names = listSegmentFiles(dir);
  names.forEach((name, i) => {
    const loaded = loadSegment(dir, name, i === names.length - 1, now());
    if (loaded.quarantine) {
      quarantined.push(loaded.quarantine);
      onEvent({ type: "quarantined", report: loaded.quarantine });
    }
    if (loaded.truncatedBytes > 0)
      onEvent({ type: "torn-tail", segment: name, bytes: loaded.truncatedBytes });
    for (const gap of loaded.gaps) {
      if (gap.tail) tornTail = { segment: name, bytes: gap.bytes, declared: gap.declared };
      else gaps.push({ seg: segments.length, gap });
    }
    segments.push(loaded.segment);
  });
  let lastSeq = 0;
  let pendingReadings = 0;
  for (const s of segments) {
    for (const r of s.records) {
      if (r.seq > lastSeq) lastSeq = r.seq;
      if (r.seq > ackedSeq) pendingReadings += r.readings;
    }
  }
  const losses: LossEntry[] = [];
  for (const { seg, gap } of gaps) {
    const loss = damageLoss(segments, seg, gap, ackedSeq, now());
    if (loss) losses.push(loss);
  }
  return { segments, quarantined, lastSeq, pendingReadings, losses, tornTail };
}

/** The loss a damaged stretch in the middle of the journal stands for, or null when nothing pending was in it. */
function damageLoss(
  segments: Segment[],
  at: number,
  gap: Gap,
  ackedSeq: number,
  now: number,
): LossEntry | null {
  const seg = segments[at] as Segment;
  const prev = seg.records[gap.index - 1] ?? lastBefore(segments, at);
  const next = seg.records[gap.index] ?? firstAfter(segments, at);
  const firstOfSegment = Number.parseInt(seg.name, 10);
  const declaredFirst = gap.declared[0]?.seq;
  let fromSeq = prev ? prev.seq + 1 : (declaredFirst ?? firstOfSegment);
  const toSeq = next ? next.seq - 1 : Math.max(fromSeq, ...gap.declared.map((d) => d.seq));
  if (toSeq < fromSeq || toSeq <= ackedSeq) return null; // no record missing, or all delivered already
  let readings = next ? readingsBetween(prev, next.cum) : null;
  if (fromSeq <= ackedSeq) {
    fromSeq = ackedSeq + 1;
    readings = null;
  }
  const declared = gap.declared.filter((d) => d.seq >= fromSeq && d.seq <= toSeq);
  if (readings === null && declared.length === toSeq - fromSeq + 1)
    readings = declared.reduce((a, d) => a + d.readings, 0);
  return {
    reason: "damaged",
    fromSeq,
    toSeq,
    batches: toSeq - fromSeq + 1,
    readings,
    at: now,
    segment: seg.name,
    ...(readings === null ? { note: "the damaged bytes no longer say how many readings they held" } : {}),
  };
}

function lastBefore(segments: Segment[], at: number): RecordEntry | null {
  for (let i = at - 1; i >= 0; i--) {
    const r = segments[i]?.records.at(-1);
    if (r) return r;
  }
  return null;
}

function firstAfter(segments: Segment[], at: number): RecordEntry | null {
  for (let i = at + 1; i < segments.length; i++) {
    const r = segments[i]?.records[0];
    if (r) return r;
  }
  return null;
}
