import { describe, expect, it } from "vitest";
import { type RankMember, rankEntities } from "./rank.ts";

// A stand-in KPI: running time over the range per machine (the real one is evaluatePlanned()).
const running = new Map([
  [1, 90],
  [2, 10],
  [3, 80],
  [4, 0],
]);
const kpi = (ids: readonly number[], _day: number | null) => {
  const run = ids.reduce((s, id) => s + (running.get(id) ?? 0), 0);
  const r = ids.length > 0 && run > 0 ? run / (100 * ids.length) : null;
  return { oee: r, runningRate: r };
};
const m = (key: number, entityId: number): RankMember => ({ key, entityId, machines: 1 });

describe("rankings", () => {
  it("evaluates the machines of an entity together, best first, no-data last", () => {
    const r = rankEntities([m(1, 10), m(2, 10), m(3, 20), m(4, 30)], kpi, 1, "oee", "best");
    expect(r.map((x) => x.entityId)).toEqual([20, 10, 30]);
    expect(r[1]?.value).toBeCloseTo(0.5);
    expect(r[1]?.machines).toBe(2);
    expect(r[2]?.value).toBeNull();
    expect(r[0]?.spark).toEqual([0.8]);
  });

  it("worst first shows what pulls a number down, still with no-data last", () => {
    const r = rankEntities([m(1, 1), m(2, 2), m(4, 3)], kpi, 0, "runningRate", "worst");
    expect(r.map((x) => x.entityId)).toEqual([2, 1, 3]);
    expect(r[0]?.spark).toEqual([]);
  });

  it("counts the machines of members that are whole enterprises", () => {
    const r = rankEntities(
      [
        { key: 1, entityId: 7, machines: 3 },
        { key: 3, entityId: 7, machines: 2 },
      ],
      kpi,
      0,
      "oee",
      "best",
    );
    expect(r).toEqual([{ entityId: 7, machines: 5, value: 0.85, spark: [] }]);
  });
});
