import { describe, expect, it } from "vitest";
import { quantitiesFromCounter } from "./quantities.ts";

describe("quantitiesFromCounter", () => {
  it.each([
    ["total only: all good", "totalCount", ["totalCount"], { produced: 10, good: 10 }],
    ["total + good", "totalCount", ["totalCount", "goodCount"], { produced: 10 }],
    ["good with total", "goodCount", ["totalCount", "goodCount"], { good: 10 }],
    ["good only", "goodCount", ["goodCount"], { good: 10, produced: 10 }],
    ["reject with good, no total", "rejectCount", ["goodCount", "rejectCount"], { scrap: 10, produced: 10 }],
    [
      "reject with total, no good: GQ = PQ − SQ",
      "rejectCount",
      ["totalCount", "rejectCount"],
      { scrap: 10, good: -10 },
    ],
    ["reject with total and good", "rejectCount", ["totalCount", "goodCount", "rejectCount"], { scrap: 10 }],
    ["energy", "energyKwh", ["energyKwh"], { energyKwh: 10 }],
  ] as const)("%s", (_n, role, roles, expected) => {
    expect(quantitiesFromCounter(role, 5, 10, { roles })).toEqual({ ts: 5, ...expected });
  });

  it("books ideal time PRU × produced when the ideal cycle is known", () => {
    expect(quantitiesFromCounter("totalCount", 0, 120, { roles: ["totalCount"], idealCycleS: 0.5 })).toEqual({
      ts: 0,
      produced: 120,
      good: 120,
      idealS: 60,
    });
    expect(
      quantitiesFromCounter("rejectCount", 0, 3, { roles: ["rejectCount", "totalCount"], idealCycleS: 2 })
        .idealS,
    ).toBe(undefined);
  });

  it("gives GQ = PQ − SQ over a sum for a machine with total and reject counters", () => {
    const roles = ["totalCount", "rejectCount"] as const;
    const ds = [
      quantitiesFromCounter("totalCount", 0, 100, { roles }),
      quantitiesFromCounter("rejectCount", 1, 7, { roles }),
      quantitiesFromCounter("totalCount", 2, 50, { roles }),
    ];
    const sum = (k: "produced" | "good" | "scrap") => ds.reduce((s, d) => s + (d[k] ?? 0), 0);
    expect([sum("produced"), sum("good"), sum("scrap")]).toEqual([150, 143, 7]);
  });
});
