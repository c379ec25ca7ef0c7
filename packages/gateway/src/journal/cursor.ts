import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./fsutil.ts";
import { emptyTotals, LOSS_REASONS, type LossEntry, type LossTotals } from "./losses.ts";
import type { FsyncPolicy } from "./options.ts";

/** Local seqs from `from` on go to the brain as `local + offset` (a renumbering after a SEQ_CONFLICT). */
export interface WireEpoch {
  from: number;
  offset: number;
}

/** What the journal persists beside its segments (`cursor.json`, replaced atomically and fsynced). */
export interface CursorState {
  version: 1;
  /** Every batch with seq ≤ ackedSeq was accepted by the brain (or dead-lettered, or lost). */
  ackedSeq: number;
  /** Running reading count (see record.ts `cum`) just after the acknowledged batches. */
  ackedCum: number;
  /** Highest seq ever allocated as of this write; the next batch gets a larger one even if every segment was compacted. */
  highSeq: number;
  /** Running reading count after batch `highSeq`. */
  appended: number;
  /**
   * Seqs up to this one may have been handed out (`fsync: interval`/`off` reserve them in blocks
   * before use), so after a crash numbering resumes above it and no seq the brain saw is reused.
   */
  reservedSeq: number;
  /** Written true by an orderly close, false as soon as the journal is open. */
  clean: boolean;
  /** The machine's boot id when written: a different one at open means the machine restarted. */
  bootId: string | null;
  /** The fsync policy in force when written (what a power cut could have taken). */
  fsync: FsyncPolicy;
  /** Totals since the journal was created, kept across restarts. */
  dropped: { batches: number; readings: number };
  corrupt: { records: number; segments: number };
  /** Every loss by reason, and the latest ones in detail. */
  lossTotals: LossTotals;
  losses: LossEntry[];
  deadLetters: { batches: number; readings: number };
  /** Renumbering epochs, oldest first (empty: wire seq = local seq). */
  wire: WireEpoch[];
  /** Local seqs above ackedSeq the brain already has (accepted out of order before a renumbering). */
  delivered: number[];
}

export const EMPTY_CURSOR: CursorState = {
  version: 1,
  ackedSeq: 0,
  ackedCum: 0,
  highSeq: 0,
  appended: 0,
  reservedSeq: 0,
  clean: true,
  bootId: null,
  fsync: "batch",
  dropped: { batches: 0, readings: 0 },
  corrupt: { records: 0, segments: 0 },
  lossTotals: emptyTotals(),
  losses: [],
  deadLetters: { batches: 0, readings: 0 },
  wire: [],
  delivered: [],
};

export function cursorPath(dir: string): string {
  return path.join(dir, "cursor.json");
}

const num = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0);

/** Read the cursor; a missing file is a fresh journal, an unreadable one is reported and treated as fresh. */
export function readCursor(dir: string): { cursor: CursorState; problem?: string; fresh: boolean } {
  const file = cursorPath(dir);
  if (!fs.existsSync(file)) return { cursor: structuredClone(EMPTY_CURSOR), fresh: true };
  try {
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<CursorState>;
    const totals = emptyTotals();
    for (const r of LOSS_REASONS)
      totals[r] = {
        batches: num(raw.lossTotals?.[r]?.batches),
        readings: num(raw.lossTotals?.[r]?.readings),
      };
    return {
      fresh: false,
      cursor: {
        version: 1,
        ackedSeq: num(raw.ackedSeq),
        ackedCum: num(raw.ackedCum),
        highSeq: num(raw.highSeq),
        appended: num(raw.appended),
        reservedSeq: num(raw.reservedSeq),
        // A cursor of the first format has no flag: treat its stop as clean, as it was then.
        clean: raw.clean !== false,
        bootId: typeof raw.bootId === "string" ? raw.bootId : null,
        fsync: raw.fsync === "interval" || raw.fsync === "off" ? raw.fsync : "batch",
        dropped: { batches: num(raw.dropped?.batches), readings: num(raw.dropped?.readings) },
        corrupt: { records: num(raw.corrupt?.records), segments: num(raw.corrupt?.segments) },
        lossTotals: totals,
        losses: Array.isArray(raw.losses) ? raw.losses : [],
        deadLetters: { batches: num(raw.deadLetters?.batches), readings: num(raw.deadLetters?.readings) },
        wire: Array.isArray(raw.wire)
          ? raw.wire.filter((w) => Number.isSafeInteger(w?.from) && Number.isSafeInteger(w?.offset))
          : [],
        delivered: Array.isArray(raw.delivered) ? raw.delivered.filter((d) => Number.isSafeInteger(d)) : [],
      },
    };
  } catch (e) {
    return {
      cursor: structuredClone(EMPTY_CURSOR),
      problem: `cursor.json unreadable: ${String(e)}`,
      fresh: false,
    };
  }
}

export function writeCursor(dir: string, cursor: CursorState): void {
  writeFileAtomic(cursorPath(dir), `${JSON.stringify(cursor)}\n`);
}
