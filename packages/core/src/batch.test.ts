import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_BATCH_READINGS, ReadingBatch } from "./batch.ts";
import { QUALITIES } from "./reading.ts";
import { SIGNAL_ROLES } from "./signals.ts";
import { formatZodIssues } from "./zod-issues.ts";

const reading = fc.record(
  {
    machine: fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,20}$/),
    point: fc.string({ minLength: 1, maxLength: 40 }),
    ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    value: fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.string({ maxLength: 30 }),
      fc.constant(null),
    ),
    quality: fc.constantFrom(...QUALITIES),
    signal: fc.constantFrom(...SIGNAL_ROLES),
  },
  { requiredKeys: ["machine", "point", "ts", "value", "quality"] },
);
const batch = fc.record({
  gatewayId: fc.string({ minLength: 1, maxLength: 64 }),
  seq: fc.nat(),
  readings: fc.array(reading, { minLength: 1, maxLength: 20 }),
});

describe("ReadingBatch", () => {
  it("accepts every well-formed batch and keeps it unchanged through JSON", () => {
    fc.assert(
      fc.property(batch, (b) => {
        const parsed = ReadingBatch.parse(JSON.parse(JSON.stringify(b)));
        expect(parsed.readings).toHaveLength(b.readings.length);
        expect(parsed.seq).toBe(b.seq);
        expect(parsed.readings.map((r) => r.ts)).toEqual(b.readings.map((r) => r.ts));
      }),
    );
  });

  it("rejects a bad field inside any reading and names it", () => {
    fc.assert(
      fc.property(batch, fc.nat(), (b, i) => {
        const at = i % b.readings.length;
        const broken = structuredClone(b) as { readings: Record<string, unknown>[] };
        const target = broken.readings[at];
        if (target) target.quality = "excellent";
        const result = ReadingBatch.safeParse(broken);
        expect(result.success).toBe(false);
        if (!result.success)
          expect(formatZodIssues(result.error).map((x) => x.field)).toContain(`readings[${at}].quality`);
      }),
    );
  });

  it("rejects NaN, negative seq, empty and oversized batches", () => {
    const ok = {
      gatewayId: "g1",
      seq: 1,
      readings: [{ machine: "m1", point: "p", ts: 1, value: 1, quality: "good" }],
    };
    expect(ReadingBatch.safeParse(ok).success).toBe(true);
    expect(ReadingBatch.safeParse({ ...ok, seq: -1 }).success).toBe(false);
    expect(ReadingBatch.safeParse({ ...ok, readings: [] }).success).toBe(false);
    expect(
      ReadingBatch.safeParse({ ...ok, readings: [{ ...ok.readings[0], value: Number.NaN }] }).success,
    ).toBe(false);
    const many = Array.from({ length: MAX_BATCH_READINGS + 1 }, () => ok.readings[0]);
    expect(ReadingBatch.safeParse({ ...ok, readings: many }).success).toBe(false);
  });

  it("accepts parts that describe the readings and names what is wrong otherwise", () => {
    const r = { machine: "m1", point: "p", ts: 1, value: 1, quality: "good" as const };
    const base = { gatewayId: "g1", seq: 7, readings: [r, r, r] };
    expect(
      ReadingBatch.safeParse({
        ...base,
        parts: [
          { seq: 7, count: 2 },
          { seq: 9, count: 1 },
        ],
      }).success,
    ).toBe(true);
    const issue = (parts: unknown) => {
      const res = ReadingBatch.safeParse({ ...base, parts });
      return res.success ? null : res.error.issues[0]?.message;
    };
    expect(issue([{ seq: 8, count: 3 }])).toBe("the first part's seq must equal the batch seq");
    expect(
      issue([
        { seq: 7, count: 2 },
        { seq: 7, count: 1 },
      ]),
    ).toBe("part seqs must increase");
    expect(issue([{ seq: 7, count: 2 }])).toBe("part counts add up to 2, but the batch has 3 readings");
  });
});
