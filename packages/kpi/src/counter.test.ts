import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advanceCounter,
  type CounterReading,
  type CounterType,
  counterDelta,
  createCounterTracker,
} from "./counter.ts";

describe("counterDelta", () => {
  it.each([
    ["increase", 100, 130, { type: "uint16" }, 30, "increase"],
    ["unchanged", 7, 7, { type: "uint16" }, 0, "unchanged"],
    ["uint16 wrap near 65535", 65_530, 4, { type: "uint16" }, 10, "wrap"],
    ["uint16 wrap from the max itself", 65_535, 0, { type: "uint16" }, 1, "wrap"],
    ["uint16 reset far from max", 1_200, 15, { type: "uint16" }, 15, "reset"],
    ["uint16 reset to zero", 1_200, 0, { type: "uint16" }, 0, "reset"],
    ["uint32 wrap near 4294967295", 4_294_967_290, 9, { type: "uint32" }, 15, "wrap"],
    ["uint32 drop far from max is a reset", 3_000_000_000, 12, { type: "uint32" }, 12, "reset"],
    ["wrapMargin narrows wraps", 65_000, 3, { type: "uint16", wrapMargin: 100 }, 3, "reset"],
    ["wrapMargin widens wraps", 60_000, 3, { type: "uint16", wrapMargin: 6_000 }, 5_539, "wrap"],
    ["custom max (6-digit counter)", 999_990, 5, { type: "uint32", max: 999_999 }, 15, "wrap"],
    ["value above custom max is invalid", 5, 1_000_000, { type: "uint32", max: 999_999 }, 0, "invalid"],
    ["uint16 value out of range is invalid", 10, 70_000, { type: "uint16" }, 0, "invalid"],
    ["negative is invalid", 10, -1, { type: "uint32" }, 0, "invalid"],
    ["fractional integer counter is invalid", 10, 10.5, { type: "uint32" }, 0, "invalid"],
    ["float increase", 10.25, 11.5, { type: "float" }, 1.25, "increase"],
    ["float drop is a reset (meter replaced)", 5_000.5, 2.5, { type: "float" }, 2.5, "reset"],
    ["float meter rolling at max", 99_999.5, 0.5, { type: "float", max: 99_999.9 }, 0.9, "wrap"],
    ["float NaN string is invalid", 1, "abc", { type: "float" }, 0, "invalid"],
  ] as const)("%s", (_name, prev, next, opts, delta, kind) => {
    const d = counterDelta(prev, next, opts);
    expect(d.kind).toBe(kind);
    expect(d.delta).toBeCloseTo(delta, 9);
  });

  it("handles UInt64 given as decimal strings and bigints exactly", () => {
    expect(counterDelta("18446744073709551610", "3", { type: "uint64" })).toEqual({ delta: 9, kind: "wrap" });
    expect(counterDelta(9_007_199_254_740_993n, "9007199254740999", { type: "uint64" })).toEqual({
      delta: 6,
      kind: "increase",
    });
    expect(counterDelta("12", "1.5", { type: "uint64" }).kind).toBe("invalid");
  });
});

describe("advanceCounter", () => {
  it("sets a baseline from the first sample and books deltas at the revealing sample", () => {
    const r = advanceCounter(createCounterTracker({ type: "uint16" }), [
      { ts: 2000, value: 65_534 },
      { ts: 0, value: 65_500 },
      { ts: 1000, value: 65_520 },
      { ts: 3000, value: 2 },
    ]);
    expect(r.deltas).toEqual([
      { ts: 1000, delta: 20, kind: "increase" },
      { ts: 2000, delta: 14, kind: "increase" },
      { ts: 3000, delta: 4, kind: "wrap" },
    ]);
    expect(r.next.last).toBe(2);
  });

  it("reports late samples without applying them, and skips invalid ones without moving the baseline", () => {
    const a = advanceCounter(createCounterTracker({ type: "uint16" }), [{ ts: 1000, value: 10 }]);
    const b = advanceCounter(a.next, [
      { ts: 500, value: 8 },
      { ts: 1500, value: 99_999 },
      { ts: 2000, value: 15 },
    ]);
    expect(b.late).toEqual([{ ts: 500, value: 8 }]);
    expect(b.deltas).toEqual([
      { ts: 1500, delta: 0, kind: "invalid" },
      { ts: 2000, delta: 5, kind: "increase" },
    ]);
  });

  it("keeps UInt64 baselines as strings so the tracker survives JSON", () => {
    const r = advanceCounter(createCounterTracker({ type: "uint64" }), [{ ts: 0, value: 2n ** 60n }]);
    expect(r.next.last).toBe("1152921504606846976");
    expect(JSON.parse(JSON.stringify(r.next))).toEqual(r.next);
  });
});

const MAX: Record<"uint16" | "uint32", number> = { uint16: 65_535, uint32: 4_294_967_295 };

/** A true monotone count and what a wrapping device register shows for it. */
const wrappingSequence = fc
  .record({
    type: fc.constantFrom<"uint16" | "uint32">("uint16", "uint32"),
    start: fc.nat(),
    incs: fc.array(fc.integer({ min: 0, max: 6_000 }), { maxLength: 80 }),
  })
  .map(({ type, start, incs }) => {
    const mod = MAX[type] + 1;
    let total = start % mod;
    const readings: CounterReading[] = [{ ts: 0, value: total }];
    incs.forEach((inc, i) => {
      total += inc;
      readings.push({ ts: (i + 1) * 1000, value: total % mod });
    });
    return { type: type as CounterType, readings, increase: total - (start % mod) };
  });

describe("counter properties", () => {
  it("never yields a negative delta", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<CounterType>("uint16", "uint32", "float"),
        fc.nat({ max: 65_535 }),
        fc.nat({ max: 65_535 }),
        (type, a, b) => {
          expect(counterDelta(a, b, { type }).delta).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });

  it("sums deltas over a monotone sequence with wraps to the true increase", () => {
    fc.assert(
      fc.property(wrappingSequence, ({ type, readings, increase }) => {
        const r = advanceCounter(createCounterTracker({ type }), readings);
        expect(r.deltas.every((d) => d.kind !== "reset" && d.delta >= 0)).toBe(true);
        expect(r.deltas.reduce((s, d) => s + d.delta, 0)).toBe(increase);
      }),
    );
  });

  it("gives the same total when the sequence is split anywhere and state is carried", () => {
    fc.assert(
      fc.property(wrappingSequence, fc.nat(), ({ type, readings }, cut) => {
        const at = cut % (readings.length + 1);
        const whole = advanceCounter(createCounterTracker({ type }), readings);
        const a = advanceCounter(createCounterTracker({ type }), readings.slice(0, at));
        const b = advanceCounter(a.next, readings.slice(at));
        const sum = (ds: { delta: number }[]): number => ds.reduce((s, d) => s + d.delta, 0);
        expect(sum(a.deltas) + sum(b.deltas)).toBe(sum(whole.deltas));
        expect(b.next).toEqual(whole.next);
      }),
    );
  });
});
