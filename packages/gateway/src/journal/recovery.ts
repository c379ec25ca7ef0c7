import type { JournalEvent } from "./options.ts";
import { listSegmentFiles, loadSegment, type QuarantineReport, type Segment } from "./segment.ts";

export interface RecoveredSegments {
  /** Every segment on disk, oldest first, repaired where it was damaged. */
  segments: Segment[];
  quarantined: QuarantineReport[];
  /** Highest seq in any segment; 0 when there are none. */
  lastSeq: number;
  /** Readings in the records after `ackedSeq`. */
  pendingReadings: number;
}

/**
 * Verify every segment in `dir` when the journal opens (see `loadSegment`):
 * only the newest segment may end in a torn tail, since only it was being
 * written when the process died. Quarantines and torn tails are reported
 * through `onEvent` as they are found.
 */
export function recoverSegments(
  dir: string,
  ackedSeq: number,
  now: () => number,
  onEvent: (e: JournalEvent) => void,
): RecoveredSegments {
  const segments: Segment[] = [];
  const quarantined: QuarantineReport[] = [];
  const names = listSegmentFiles(dir);
  names.forEach((name, i) => {
    const loaded = loadSegment(dir, name, i === names.length - 1, now());
    if (loaded.quarantine) {
      quarantined.push(loaded.quarantine);
      onEvent({ type: "quarantined", report: loaded.quarantine });
    }
    if (loaded.truncatedBytes > 0)
      onEvent({ type: "torn-tail", segment: name, bytes: loaded.truncatedBytes });
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
  return { segments, quarantined, lastSeq, pendingReadings };
}
