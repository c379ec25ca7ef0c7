import type { CursorState } from "./cursor.ts";
import type { LossEntry } from "./losses.ts";
import type { RecordEntry } from "./segment.ts";

export interface TailFacts {
  cursor: CursorState;
  /** The last record still on disk after recovery. */
  last: RecordEntry | null;
  tornTail: { segment: string; bytes: number; declared: { seq: number; readings: number }[] } | null;
  /** The machine restarted after an unclean stop with records not fsynced one by one. */
  powerCut: boolean;
  now: number;
  cursorFlushMs: number;
}

/**
 * What the end of the journal lost in a crash: records the cursor (fsynced every `cursorFlushMs`)
 * knows were appended but that are not on disk, and a record cut short (a torn tail). Exact in
 * readings from the running counts when the cursor saw the records; a torn record the cursor did
 * not see counts by what its header declared. After a power cut, batches appended after the last
 * cursor write are recorded nowhere: the entry says so. null when nothing was lost.
 */
export function tailLoss(f: TailFacts): { loss: LossEntry; toSeq: number } | null {
  const c = f.cursor;
  const durableEnd = f.last?.seq ?? 0;
  const from = Math.max(durableEnd, c.ackedSeq) + 1;
  const declared = (f.tornTail?.declared ?? []).filter((d) => d.seq >= from);
  const upper = Math.max(c.highSeq, ...declared.map((d) => d.seq));
  const reason = f.powerCut ? "power-cut" : "torn-tail";
  const unrecorded = f.powerCut
    ? `Batches appended after seq ${c.highSeq} in the last ${f.cursorFlushMs} ms before the cut were recorded nowhere and may be lost too.`
    : undefined;
  if (upper < from) {
    if (f.tornTail && f.tornTail.bytes > 0)
      return {
        loss: {
          reason,
          fromSeq: from,
          toSeq: from,
          batches: 1,
          readings: null,
          at: f.now,
          segment: f.tornTail.segment,
          note: `A record cut short (${f.tornTail.bytes} bytes) whose header is not legible. ${unrecorded ?? ""}`.trim(),
        },
        toSeq: from,
      };
    if (!f.powerCut) return null;
    return {
      loss: {
        reason,
        fromSeq: c.highSeq,
        toSeq: c.highSeq,
        batches: 0,
        readings: 0,
        at: f.now,
        note: unrecorded,
      },
      toSeq: Math.max(c.highSeq, c.reservedSeq),
    };
  }
  // Readings appended before the first lost batch: after the last record on disk, or after the
  // acknowledged ones when those come later (or nothing is left on disk).
  const startCum =
    f.last && f.last.seq >= c.ackedSeq
      ? f.last.cum === null
        ? null
        : f.last.cum + f.last.readings
      : c.ackedCum;
  let readings: number | null = null;
  if (c.highSeq >= from && startCum !== null) {
    readings = Math.max(0, c.appended - startCum);
    for (const d of declared) if (d.seq > c.highSeq) readings += d.readings;
  } else if (declared.length === upper - from + 1) readings = declared.reduce((a, d) => a + d.readings, 0);
  return {
    loss: {
      reason,
      fromSeq: from,
      toSeq: upper,
      batches: upper - from + 1,
      readings,
      at: f.now,
      ...(f.tornTail ? { segment: f.tornTail.segment } : {}),
      ...(unrecorded || readings === null
        ? {
            note: [readings === null ? "How many readings is not known." : "", unrecorded ?? ""]
              .join(" ")
              .trim(),
          }
        : {}),
    },
    toSeq: upper,
  };
}
