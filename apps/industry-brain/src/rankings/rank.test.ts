import { describe, expect, it } from "vitest";
import { type Totals, toTotals } from "../kpi/query.ts";
import { type MachineFigures, rankEntities } from "./rank.ts";

const totals = (runningS: number): Totals => ({ ...toTotals(undefined), running_s: runningS });
// A stand-in KPI: running time over the range per machine (the real one is evaluate()).
const kpi = (t: Totals, from: number, to: number, n: number) => {
  const r = n > 0 && t.running_s > 0 ? t.running_s / (((to - from) / 1000) * n) : null;
  return { oee: r, runningRate: r };
};
const range = { from: 0, to: 100_000 };
const m = (machineId: number, entityId: number, aptS: number): MachineFigures => ({
  machineId,
  entityId,
  totals: totals(aptS),
  days: new Map([[0, totals(aptS)]]),
});

describe("rankings", () => {
  it("sums machines per entity before dividing, best first, no-data last", () => {
    const r = rankEntities(
      [m(1, 10, 90), m(2, 10, 10), m(3, 20, 80), m(4, 30, 0)],
      kpi,
      range,
      [0],
      "oee",
      "best",
    );
    expect(r.map((x) => x.entityId)).toEqual([20, 10, 30]);
    expect(r[1]?.value).toBeCloseTo(0.5);
    expect(r[1]?.machines).toBe(2);
    expect(r[2]?.value).toBeNull();
    expect(r[0]?.spark).toEqual([0.8]);
  });

  it("worst first shows what pulls a number down, still with no-data last", () => {
    const r = rankEntities([m(1, 1, 90), m(2, 2, 10), m(3, 3, 0)], kpi, range, [0], "runningRate", "worst");
    expect(r.map((x) => x.entityId)).toEqual([2, 1, 3]);
  });
});
