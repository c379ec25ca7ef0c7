import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketize, elementsFromBuckets, sumBuckets, sumBucketsIn } from "./buckets.ts";
import { plannedBusyWindows, plannedTime, ShiftCalendar } from "./calendar.ts";
import {
  ELEMENT_KEYS,
  type Elements,
  elementsFromIntervals,
  type QuantityDelta,
  sumElements,
} from "./elements.ts";
import { kpisFromElements } from "./kpis.ts";
import { applyMicrostops } from "./microstops.ts";
import { type StateInterval, stateIntervals } from "./state-intervals.ts";

const S = 1000;
const T0 = Date.UTC(2026, 2, 27); // Friday before the 2026 spring DST change in Europe
const STATES = ["running", "idle", "setup", "down", "offline"] as const;

const calendar = ShiftCalendar.parse({
  timeZone: "Europe/Berlin",
  shifts: [
    {
      name: "early",
      days: ["mon", "tue", "wed", "thu", "fri", "sat"],
      start: "06:00",
      end: "14:00",
      breaks: [{ start: "10:00", end: "10:20" }],
    },
    {
      name: "night",
      days: ["fri", "sat"],
      start: "22:00",
      end: "06:00",
      breaks: [{ start: "02:00", end: "02:30" }],
    },
  ],
});

/** A machine's history: readings 17 s to ~2 h apart over up to ~4 days, microstops applied. */
const machine = fc
  .record({
    steps: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 400 }), state: fc.constantFrom(...STATES) }), {
      minLength: 1,
      maxLength: 120,
    }),
    counts: fc.array(
      fc.record({
        at: fc.integer({ min: 0, max: 3 * 86_400 }),
        produced: fc.nat(500),
        good: fc.nat(500),
        idealS: fc.nat(300),
      }),
      { maxLength: 30 },
    ),
  })
  .map(({ steps, counts }) => {
    let ts = T0;
    const readings = steps.map(({ gap, state }) => {
      ts += gap * 17 * S;
      return { ts, state };
    });
    const intervals = applyMicrostops(
      stateIntervals(readings, { staleAfterMs: 600 * S, until: ts + 60 * S }),
    );
    const deltas: QuantityDelta[] = counts.map((c) => ({
      ts: T0 + c.at * S,
      produced: c.produced,
      good: c.good,
      idealS: c.idealS,
    }));
    return { intervals, deltas };
  });

const closeAll = (a: Elements, b: Elements): void => {
  for (const k of ELEMENT_KEYS) expect(a[k], k).toBeCloseTo(b[k], 5);
};

describe("elements properties", () => {
  it("elements over a range split in two sum to the elements over the whole range", () => {
    fc.assert(
      fc.property(
        machine,
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 0, max: 2 * 86_400 }),
        fc.integer({ min: 0, max: 2 * 86_400 }),
        fc.boolean(),
        ({ intervals, deltas }, a, len, cut, withCal) => {
          const start = T0 + a * S;
          const end = start + len * S;
          const mid = start + (cut % (len + 1)) * S;
          const cal = withCal ? calendar : undefined;
          const whole = elementsFromIntervals(intervals, deltas, { start, end }, cal);
          const left = elementsFromIntervals(intervals, deltas, { start, end: mid }, cal);
          const right = elementsFromIntervals(intervals, deltas, { start: mid, end }, cal);
          closeAll(sumElements([left, right]), whole);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("planned time is additive over any split, across the DST change", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 * 86_400 }),
        fc.integer({ min: 0, max: 4 * 86_400 }),
        (a, b) => {
          const [lo, hi] = [T0 + Math.min(a, b) * S, T0 + Math.max(a, b) * S];
          const mid = Math.floor((lo + hi) / 2);
          const w = plannedTime(calendar, { start: lo, end: hi });
          const l = plannedTime(calendar, { start: lo, end: mid });
          const r = plannedTime(calendar, { start: mid, end: hi });
          expect(l.potS + r.potS).toBeCloseTo(w.potS, 6);
          expect(l.pdotS + r.pdotS).toBeCloseTo(w.pdotS, 6);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("the OEE of a group is the OEE of its summed elements, and the rollup path gives the same", () => {
    fc.assert(
      fc.property(fc.array(machine, { minLength: 1, maxLength: 4 }), (machines) => {
        const range = { start: T0, end: T0 + 3 * 86_400 * S };
        const perMachine = machines.map((m) => elementsFromIntervals(m.intervals, m.deltas, range, calendar));
        const group = kpisFromElements(sumElements(perMachine));
        const rows = machines.flatMap((m) => bucketize(m.intervals, m.deltas, 60_000, range));
        const viaRollup = kpisFromElements(
          elementsFromBuckets(sumBuckets(rows), {
            range,
            machines: machines.length,
            planned: calendar,
            inside: sumBucketsIn(rows, plannedBusyWindows(calendar, range)),
          }),
        );
        for (const k of [
          "availability",
          "effectiveness",
          "quality",
          "oee",
          "nee",
          "mtbfS",
          "runningRate",
        ] as const) {
          const [x, y] = [group[k], viaRollup[k]];
          if (x === null || y === null) expect(y, k).toBe(x);
          else expect(y, k).toBeCloseTo(x, 6);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("bucketize properties", () => {
  it("conserves total seconds per state, quantities and event counts for any bucket size", () => {
    fc.assert(
      fc.property(
        machine,
        fc.constantFrom(60_000, 45_000, 300_000, 3_600_000),
        ({ intervals, deltas }, bucketMs) => {
          const total = sumBuckets(bucketize(intervals, deltas, bucketMs));
          const secs = (s: StateInterval["state"]): number =>
            intervals.filter((i) => i.state === s).reduce((acc, i) => acc + (i.end - i.start) / 1000, 0);
          expect(total.running_s).toBeCloseTo(secs("running"), 6);
          expect(total.setup_s).toBeCloseTo(secs("setup"), 6);
          expect(total.down_s).toBeCloseTo(secs("down"), 6);
          expect(total.idle_s).toBeCloseTo(secs("idle"), 6);
          expect(total.offline_s).toBeCloseTo(secs("offline"), 6);
          expect(total.failures).toBe(intervals.filter((i) => i.state === "down").length);
          expect(total.microstops).toBe(intervals.filter((i) => i.microstop).length);
          expect(total.produced).toBe(deltas.reduce((s, d) => s + (d.produced ?? 0), 0));
        },
      ),
      { numRuns: 150 },
    );
  });
});
