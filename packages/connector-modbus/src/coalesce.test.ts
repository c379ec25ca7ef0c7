import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coalesceRegisters, type Span } from "./coalesce.ts";

const spansArb = fc.array(
  fc.record({ start: fc.integer({ min: 0, max: 2000 }), count: fc.constantFrom(1, 1, 2, 2, 4, 10) }),
  { minLength: 0, maxLength: 200 },
);
const limitsArb = fc
  .record({ maxBlock: fc.integer({ min: 10, max: 125 }), gap: fc.integer({ min: 0, max: 124 }) })
  .map(({ maxBlock, gap }) => ({ maxBlock, maxGap: Math.min(gap, maxBlock - 1) }));

describe("coalesceRegisters", () => {
  it("never exceeds the block limit, covers every span, never reads across a gap larger than allowed", () => {
    fc.assert(
      fc.property(spansArb, limitsArb, (raw, limits) => {
        const spans: Span<number>[] = raw.map((s, i) => ({ ...s, item: i }));
        const blocks = coalesceRegisters(spans, limits);
        const seen = new Set<number>();
        for (const b of blocks) {
          expect(b.count).toBeLessThanOrEqual(limits.maxBlock);
          const covered = new Uint8Array(b.count);
          for (const s of b.spans) {
            expect(s.start).toBeGreaterThanOrEqual(b.start);
            expect(s.start + s.count).toBeLessThanOrEqual(b.start + b.count);
            covered.fill(1, s.start - b.start, s.start - b.start + s.count);
            seen.add(s.item);
          }
          let run = 0;
          for (const c of covered) {
            run = c ? 0 : run + 1;
            expect(run).toBeLessThanOrEqual(limits.maxGap);
          }
        }
        expect(seen.size).toBe(spans.length);
      }),
    );
  });

  it("is minimal: no two adjacent blocks could have been merged", () => {
    fc.assert(
      fc.property(spansArb, limitsArb, (raw, limits) => {
        const blocks = coalesceRegisters(
          raw.map((s, i) => ({ ...s, item: i })),
          limits,
        );
        for (let i = 1; i < blocks.length; i++) {
          const a = blocks[i - 1];
          const b = blocks[i];
          if (!a || !b) continue;
          const end = a.start + a.count;
          const mergeable = b.start - end <= limits.maxGap && b.start + b.count - a.start <= limits.maxBlock;
          expect(mergeable).toBe(false);
        }
      }),
    );
  });

  it("plans 10,000 float32 points as 160 reads of 125 registers", () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => ({ start: 1000 + 2 * i, count: 2, item: i }));
    const blocks = coalesceRegisters(spans, { maxBlock: 125, maxGap: 16 });
    expect(blocks.length).toBe(Math.ceil(20_000 / 124));
    expect(blocks.every((b) => b.spans.every((s) => s.start + s.count <= b.start + b.count))).toBe(true);
  });

  it("respects a small PLC's block limit", () => {
    const spans = Array.from({ length: 20 }, (_, i) => ({ start: i, count: 1, item: i }));
    expect(coalesceRegisters(spans, { maxBlock: 8, maxGap: 0 }).map((b) => b.count)).toEqual([8, 8, 4]);
  });
});
