import type { BatchReading } from "@weft/core";
import { ReadingBatch } from "@weft/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JournalRecord } from "../journal/journal.ts";
import { buildUpload } from "./upload.ts";

const reading = fc.record({
  machine: fc.constantFrom("m1", "press-01"),
  point: fc.string({ minLength: 1, maxLength: 5 }),
  ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  value: fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null)),
  quality: fc.constantFrom("good" as const, "bad" as const),
});

const record = (seq: number, readings: BatchReading[]): JournalRecord => ({
  seq,
  count: readings.length,
  firstTs: readings.reduce((m, r) => Math.min(m, r.ts), Number.POSITIVE_INFINITY),
  payload: Buffer.from(JSON.stringify(readings)),
});

describe("buildUpload", () => {
  it("is a valid ReadingBatch holding every reading in order, with parts the brain can dedupe", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(reading, { maxLength: 4 }), { minLength: 1, maxLength: 6 }),
        (batches) => {
          const records = batches.map((b, i) => record(10 + i, b));
          const up = buildUpload("gw-1", records, (l) => l + 100, 5);
          const all = batches.flat();
          if (all.length === 0) {
            expect(up).toBeNull();
            return;
          }
          const parsed = ReadingBatch.parse(JSON.parse(up?.body ?? ""));
          expect(parsed.readings).toEqual(all);
          const nonEmpty = records.filter((r) => r.count > 0);
          expect(up?.locals).toEqual(nonEmpty.map((r) => r.seq));
          expect(parsed.seq).toBe((nonEmpty[0]?.seq ?? 0) + 100);
          if (nonEmpty.length > 1)
            expect(parsed.parts).toEqual(nonEmpty.map((r) => ({ seq: r.seq + 100, count: r.count })));
          else expect(parsed.parts).toBeUndefined();
        },
      ),
    );
  });
});
