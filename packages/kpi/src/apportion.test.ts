import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shareIn, spreadOverBuckets } from "./apportion.ts";

describe("edges: a delta spread over its sample interval", () => {
  it("a range gets the delta's share of time inside it", () => {
    expect(shareIn({ ts: 60_000, from: 0, produced: 150 }, { start: 30_000, end: 90_000 })).toBe(0.5);
    expect(shareIn({ ts: 60_000, produced: 150 }, { start: 0, end: 60_000 })).toBe(0);
    expect(shareIn({ ts: 60_000, produced: 150 }, { start: 60_000, end: 120_000 })).toBe(1);
  });

  it("shares of adjacent ranges add up to the whole, wherever the cut (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 1e7 }),
        fc.integer({ min: 0, max: 1e9 + 2e7 }),
        (from, span, cut) => {
          const d = { ts: from + span, from, produced: 1 };
          const all = { start: 0, end: 2e9 };
          const a = shareIn(d, { start: 0, end: cut });
          const b = shareIn(d, { start: cut, end: all.end });
          expect(a + b).toBeCloseTo(shareIn(d, all), 9);
        },
      ),
    );
  });

  it("bucket pieces sum to the delta (to rounding) and sit in the buckets the interval touches", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e8 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 1, max: 1e6 }),
        (from, span, units) => {
          const pieces = spreadOverBuckets(
            { ts: from + span, from, produced: units, idealS: units * 0.36 },
            60_000,
          );
          expect(pieces.reduce((s, p) => s + (p.produced ?? 0), 0)).toBeCloseTo(units, 6);
          for (const p of pieces) {
            expect(p.ts % 60_000).toBe(0);
            expect(p.ts).toBeGreaterThanOrEqual(Math.floor(from / 60_000) * 60_000);
            expect(p.ts).toBeLessThan(from + span);
          }
        },
      ),
    );
  });
});
