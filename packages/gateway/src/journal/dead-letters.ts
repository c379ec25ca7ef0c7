import * as fs from "node:fs";
import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { fsyncDir } from "./fsutil.ts";
import { encodeRecord } from "./record.ts";
import { scanSegment } from "./scan.ts";

/** What the brain said about a batch it will never accept, as kept in the dead-letter area. */
export interface DeadLetter {
  /** The journal seq of the batch, and the seq the brain knew it by. */
  seq: number;
  wireSeq: number;
  /** Readings kept here: the whole batch, or only those the brain rejected one by one. */
  readings: number;
  /** `batch`: the brain refused the batch; `readings`: it stored the batch but rejected these readings. */
  kind: "batch" | "readings";
  code: string;
  reason: string;
  at: number;
}

/** How many dead letters `status` lists (totals count them all). */
export const DEAD_LETTERS_LISTED = 20;

/**
 * The journal's dead-letter area (`dead-letters/`): batches the brain refused for good (a 4xx that
 * retrying cannot fix, e.g. a machine of another enterprise) and readings it rejected one by one,
 * with the brain's reason. They leave the upload queue so the batches after them flow, but nothing
 * is thrown away: each is a CRC-checked record (the journal's format) whose payload holds the
 * readings and the reason, fsynced before the batch is acknowledged.
 */
export class DeadLetterStore {
  private readonly file: string;
  private fd: number | null = null;
  private bytes = 0;
  private readonly recent: DeadLetter[] = [];

  constructor(readonly dir: string) {
    this.file = path.join(dir, "dead-letters.seg");
    if (!fs.existsSync(this.file)) return;
    const buf = fs.readFileSync(this.file);
    const scan = scanSegment(buf);
    this.bytes = scan.tornTailAt ?? buf.length;
    for (const r of scan.records.slice(-DEAD_LETTERS_LISTED)) {
      try {
        const { readings: _r, ...meta } = JSON.parse(r.payload.toString("utf8")) as DeadLetter & {
          readings: unknown;
        };
        this.recent.push({ ...meta, readings: r.readings });
      } catch {
        // a record we cannot describe is still on disk for inspection
      }
    }
  }

  /** Keep `readings` with the brain's reason; on stable storage when this returns. */
  add(
    letter: Omit<DeadLetter, "readings">,
    readings: readonly BatchReading[],
    extra: object = {},
  ): DeadLetter {
    if (this.fd === null) {
      fs.mkdirSync(this.dir, { recursive: true });
      const created = !fs.existsSync(this.file);
      this.fd = fs.openSync(this.file, created ? "w" : "r+");
      if (created) fsyncDir(this.dir);
    }
    const entry: DeadLetter = { ...letter, readings: readings.length };
    const payload = Buffer.from(JSON.stringify({ ...letter, ...extra, readings }));
    const rec = encodeRecord(
      { seq: letter.seq, readings: readings.length, firstTs: readings[0]?.ts ?? 0, cum: 0 },
      payload,
    );
    fs.writeSync(this.fd, rec, 0, rec.length, this.bytes);
    fs.fdatasyncSync(this.fd);
    this.bytes += rec.length;
    this.recent.push(entry);
    if (this.recent.length > DEAD_LETTERS_LISTED) this.recent.shift();
    return entry;
  }

  /** The latest dead letters, oldest first. */
  latest(): DeadLetter[] {
    return [...this.recent];
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}
