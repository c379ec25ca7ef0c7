import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lossWaterfall } from "./losses.ts";

const H = 3600;

describe("loss waterfall", () => {
  it("walks from planned time to fully productive time", () => {
    const bars = lossWaterfall({
      pbtS: 10 * H,
      aptS: 6 * H,
      austS: 2 * H,
      adetS: 1 * H,
      adotS: 1 * H,
      offlineS: 0,
      idealS: 5 * H,
      pq: 1000,
      gq: 900,
    });
    const by = Object.fromEntries(bars.map((b) => [b.step, b]));
    expect(by.planned?.value).toBe(10);
    expect(by.setup).toMatchObject({ value: 2, base: 8 });
    expect(by.running?.value).toBe(6);
    expect(by.performance).toMatchObject({ value: 1, base: 5 });
    expect(by.quality?.value).toBeCloseTo(0.5);
    expect(by.productive?.value).toBeCloseTo(4.5);
  });

  it("always meets: losses add up from planned down to productive, none negative", () => {
    const s = fc.integer({ min: 0, max: 100 * H });
    fc.assert(
      fc.property(
        s,
        s,
        s,
        s,
        s,
        s,
        s,
        fc.nat(10_000),
        fc.nat(10_000),
        (pbt, apt, au, ad, ai, off, ideal, pq, gq) => {
          const bars = lossWaterfall({
            pbtS: pbt,
            aptS: apt,
            austS: au,
            adetS: ad,
            adotS: ai,
            offlineS: off,
            idealS: ideal,
            pq,
            gq,
          });
          for (const b of bars) expect(b.value).toBeGreaterThanOrEqual(-1e-9);
          const total = (step: string) => bars.find((b) => b.step === step)?.value ?? Number.NaN;
          const lossSum = bars.filter((b) => b.kind === "loss").reduce((a, b) => a + b.value, 0);
          expect(total("planned") - lossSum).toBeCloseTo(total("productive"), 6);
        },
      ),
    );
  });
});
