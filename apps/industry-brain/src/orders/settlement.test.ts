import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type OrderFigures, type Rates, settle } from "./settlement.ts";

const rates: Rates = { perMachineHour: 120, perKwh: 0.8, perThousandSheets: 35, wasteAllowance: 0.03 };

describe("settle", () => {
  it("prices an order line by line", () => {
    const s = settle(
      {
        plannedQty: 10_000,
        produced: 10_600,
        good: 10_100,
        waste: 500,
        runS: 5400,
        setupS: 1800,
        energyKwh: 42.5,
      },
      rates,
    );
    expect(s.machineHours).toBe(2);
    expect(s.machineTime).toBe(240);
    expect(s.energy).toBe(34);
    expect(s.sheets).toBe(353.5);
    expect(s.allowedWaste).toBeCloseTo(300, 9);
    expect(s.excessWaste).toBeCloseTo(200, 9);
    expect(s.wasteDeduction).toBe(7);
    expect(s.total).toBe(620.5);
  });

  it("uses the produced quantity as the allowance basis when nothing was planned", () => {
    const s = settle(
      { plannedQty: null, produced: 1000, good: 950, waste: 50, runS: 0, setupS: 0, energyKwh: 0 },
      rates,
    );
    expect(s.allowedWaste).toBeCloseTo(30, 9);
    expect(s.excessWaste).toBeCloseTo(20, 9);
  });

  const order = fc.record({
    plannedQty: fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: null }),
    produced: fc.integer({ min: 0, max: 1_000_000 }),
    good: fc.integer({ min: 0, max: 1_000_000 }),
    waste: fc.integer({ min: 0, max: 100_000 }),
    runS: fc.integer({ min: 0, max: 1_000_000 }),
    setupS: fc.integer({ min: 0, max: 100_000 }),
    energyKwh: fc.double({ min: 0, max: 10_000, noNaN: true }),
  }) satisfies fc.Arbitrary<OrderFigures>;
  const rateArb = fc.record({
    perMachineHour: fc.double({ min: 0, max: 1000, noNaN: true }),
    perKwh: fc.double({ min: 0, max: 10, noNaN: true }),
    perThousandSheets: fc.double({ min: 0, max: 1000, noNaN: true }),
    wasteAllowance: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it("property: the total is the sum of its lines, and more waste never lowers the deduction", () => {
    fc.assert(
      fc.property(order, rateArb, fc.integer({ min: 0, max: 10_000 }), (o, r, more) => {
        const s = settle(o, r);
        expect(s.total).toBeCloseTo(s.machineTime + s.energy + s.sheets - s.wasteDeduction, 6);
        expect(s.excessWaste).toBeGreaterThanOrEqual(0);
        expect(s.excessWaste).toBeLessThanOrEqual(o.waste);
        expect(settle({ ...o, waste: o.waste + more }, r).wasteDeduction).toBeGreaterThanOrEqual(
          s.wasteDeduction,
        );
      }),
    );
  });
});
