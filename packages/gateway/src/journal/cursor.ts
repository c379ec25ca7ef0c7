import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "./fsutil.ts";

/** What the journal persists beside its segments (`cursor.json`). */
export interface CursorState {
  version: 1;
  /** Every batch with seq ≤ ackedSeq was accepted by the brain. */
  ackedSeq: number;
  /** Highest seq ever allocated; the next batch gets a larger one even if every segment was compacted. */
  highSeq: number;
  /** Totals since the journal was created, kept across restarts. */
  dropped: { batches: number; readings: number };
  corrupt: { records: number; segments: number };
}

export const EMPTY_CURSOR: CursorState = {
  version: 1,
  ackedSeq: 0,
  highSeq: 0,
  dropped: { batches: 0, readings: 0 },
  corrupt: { records: 0, segments: 0 },
};

export function cursorPath(dir: string): string {
  return path.join(dir, "cursor.json");
}

/** Read the cursor; a missing file is a fresh journal, an unreadable one is reported and treated as fresh. */
export function readCursor(dir: string): { cursor: CursorState; problem?: string } {
  const file = cursorPath(dir);
  if (!fs.existsSync(file)) return { cursor: structuredClone(EMPTY_CURSOR) };
  try {
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<CursorState>;
    const num = (v: unknown) => (typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0);
    return {
      cursor: {
        version: 1,
        ackedSeq: num(raw.ackedSeq),
        highSeq: num(raw.highSeq),
        dropped: { batches: num(raw.dropped?.batches), readings: num(raw.dropped?.readings) },
        corrupt: { records: num(raw.corrupt?.records), segments: num(raw.corrupt?.segments) },
      },
    };
  } catch (e) {
    return { cursor: structuredClone(EMPTY_CURSOR), problem: `cursor.json unreadable: ${String(e)}` };
  }
}

export function writeCursor(dir: string, cursor: CursorState): void {
  writeFileAtomic(cursorPath(dir), `${JSON.stringify(cursor)}\n`);
}
