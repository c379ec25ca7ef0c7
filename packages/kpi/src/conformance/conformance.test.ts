import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addElements } from "../elements.ts";
import { caseReadings, conformanceCases, evaluateCase } from "./index.ts";

const TOL = 0.0005;

describe.each(conformanceCases().map((c) => [c.name, c] as const))("conformance: %s", (_name, c) => {
  it("gives the hand-worked elements and KPIs", () => {
    const { elements, kpis } = evaluateCase(c);
    for (const [k, want] of Object.entries(c.expected.elements)) {
      expect(elements[k as keyof typeof elements], k).toBeCloseTo(want as number, 3);
    }
    for (const [k, want] of Object.entries(c.expected.kpis)) {
      expect(Math.abs((kpis[k as keyof typeof c.expected.kpis] ?? Number.NaN) - want), k).toBeLessThanOrEqual(
        TOL,
      );
    }
  });

  it("a range split anywhere (to the ms) sums to the whole: edges are exact", () => {
    const whole = evaluateCase(c).elements;
    fc.assert(
      fc.property(fc.integer({ min: c.range.start + 1, max: c.range.end - 1 }), (cut) => {
        const a = evaluateCase(c, { start: c.range.start, end: cut }).elements;
        const b = evaluateCase(c, { start: cut, end: c.range.end }).elements;
        const sum = addElements(a, b);
        for (const k of ["aptS", "adotS", "adetS", "austS", "pdotS", "pbtS", "pq", "gq", "idealS"] as const) {
          expect(sum[k], k).toBeCloseTo(whole[k], 6);
        }
      }),
      { numRuns: 40 },
    );
  });

  // Only cases whose counter is narrower or wider than the UInt32 default wrap differently without it.
  const narrow = c.counters.some((k) => k.counter && !("bits" in k.counter && k.counter.bits === 32));
  it.runIf(narrow)("without the declared counter width the wrap is lost (the width matters)", () => {
    const bare = { ...c, counters: c.counters.map(({ counter: _c, ...k }) => k) };
    const lost = evaluateCase(bare, c.range, caseReadings(bare)).elements.pq;
    expect(lost).toBeLessThan(c.expected.elements.pq ?? 0);
  });
});
