import { ReadingBatch, SIGNAL_ROLES } from "@weft/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fastReadingBatch, parseReadingBatch } from "./fast-parse.ts";

const reading = fc.record(
  {
    machine: fc.oneof(fc.constantFrom("press-01", "m.1", "a"), fc.string({ maxLength: 70 })),
    point: fc.oneof(fc.constant("Speed"), fc.string({ maxLength: 210 })),
    ts: fc.oneof(fc.integer({ min: 0, max: 2 ** 42 }), fc.double(), fc.constant(-1)),
    value: fc.oneof(
      fc.double(),
      fc.string({ maxLength: 10 }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
    ),
    quality: fc.constantFrom("good", "bad", "uncertain", "great"),
    status: fc.string({ maxLength: 5 }),
    signal: fc.constantFrom(...SIGNAL_ROLES, "speed"),
    extra: fc.integer(),
  },
  { requiredKeys: ["machine", "point", "ts", "value", "quality"] },
);

describe("fastReadingBatch", () => {
  it("accepts only what ReadingBatch accepts, and returns the same value", () => {
    fc.assert(
      fc.property(
        fc.record({
          gatewayId: fc.string({ maxLength: 70 }),
          seq: fc.integer({ min: -2, max: 10 }),
          parts: fc.option(
            fc.array(
              fc.record({ seq: fc.integer({ min: -1, max: 12 }), count: fc.integer({ min: 0, max: 3 }) }),
              {
                maxLength: 3,
              },
            ),
            { nil: undefined },
          ),
          readings: fc.array(reading, { maxLength: 4 }),
        }),
        (batch) => {
          const fast = fastReadingBatch(batch);
          const slow = ReadingBatch.safeParse(batch);
          if (fast !== null) {
            expect(slow.success).toBe(true);
            expect(fast).toEqual(slow.data);
          }
          if (!slow.success) expect(fast).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("takes the fast path for an ordinary batch", () => {
    const batch = {
      gatewayId: "gw-1",
      seq: 3,
      readings: [
        {
          machine: "press-01",
          point: "Speed",
          ts: 1_700_000_000_000,
          value: 12_000,
          quality: "good",
          signal: "rate",
        },
      ],
    };
    expect(fastReadingBatch(batch)).toBe(batch);
    expect(() => parseReadingBatch({ ...batch, readings: [] })).toThrow(/at least one reading/);
  });

  it("takes the fast path for a merged upload whose parts describe its readings", () => {
    const r = { machine: "press-01", point: "Speed", ts: 1_700_000_000_000, value: 1, quality: "good" };
    const batch = {
      gatewayId: "gw-1",
      seq: 3,
      parts: [
        { seq: 3, count: 2 },
        { seq: 5, count: 1 },
      ],
      readings: [r, r, r],
    };
    expect(fastReadingBatch(batch)).toBe(batch);
    expect(fastReadingBatch({ ...batch, parts: [{ seq: 3, count: 2 }] })).toBeNull();
    expect(() => parseReadingBatch({ ...batch, parts: [{ seq: 3, count: 2 }] })).toThrow(/add up to 2/);
  });
});
