import { describe, expect, it } from "vitest";
import { bucketize, elementsFromBuckets, emptyBucket, sumBuckets } from "./buckets.ts";
import { ShiftCalendar } from "./calendar.ts";
import { elementsFromIntervals } from "./elements.ts";
import type { StateInterval } from "./state-intervals.ts";

const S = 1000;
const M = 60_000;

describe("bucketize", () => {
  it("splits an interval crossing bucket edges exactly", () => {
    const out = bucketize([{ start: 30 * S, end: 150 * S, state: "running" }], [], M);
    expect(out.map((b) => [b.start, b.running_s])).toEqual([
      [0, 30],
      [M, 60],
      [2 * M, 30],
    ]);
  });

  it("counts failures and microstops in the bucket where they start, seconds where they fall", () => {
    const intervals: StateInterval[] = [
      { start: 50 * S, end: 70 * S, state: "down" },
      { start: 110 * S, end: 130 * S, state: "running", microstop: true },
    ];
    const [b0, b1, b2] = bucketize(intervals, [], M);
    expect(b0).toMatchObject({ start: 0, down_s: 10, failures: 1, microstops: 0 });
    expect(b1).toMatchObject({
      start: M,
      down_s: 10,
      failures: 0,
      microstops: 1,
      running_s: 10,
      microstop_s: 10,
    });
    expect(b2).toMatchObject({ start: 2 * M, running_s: 10, microstop_s: 10, microstops: 0 });
  });

  it("puts quantities in the bucket holding their timestamp", () => {
    const out = bucketize(
      [],
      [
        { ts: 59_999, produced: 5, good: 4, scrap: 1, energyKwh: 0.5, idealS: 10 },
        { ts: 60_000, produced: 2, rework: 1 },
      ],
      M,
    );
    expect(out).toEqual([
      { ...emptyBucket(0), produced: 5, good: 4, scrap: 1, energy_kwh: 0.5, ideal_s: 10 },
      { ...emptyBucket(M), produced: 2, rework: 1 },
    ]);
  });

  it("drops everything outside an optional range, for replays", () => {
    const out = bucketize([{ start: 0, end: 180 * S, state: "idle" }], [{ ts: 10 * S, produced: 1 }], M, {
      start: M,
      end: 2 * M,
    });
    expect(out).toEqual([{ ...emptyBucket(M), idle_s: 60 }]);
  });
});

describe("elementsFromBuckets", () => {
  it("gives the same elements as elementsFromIntervals for bucket-aligned ranges", () => {
    const cal = ShiftCalendar.parse({
      timeZone: "Europe/Berlin",
      shifts: [{ name: "d", days: ["mon", "tue"], start: "06:00", end: "14:00" }],
    });
    const t0 = Date.UTC(2026, 10, 23, 5);
    const intervals: StateInterval[] = [
      { start: t0, end: t0 + 95 * M + 7 * S, state: "running" },
      { start: t0 + 95 * M + 7 * S, end: t0 + 97 * M, state: "down" },
      { start: t0 + 97 * M, end: t0 + 200 * M, state: "setup" },
    ];
    const deltas = [{ ts: t0 + 3 * M, produced: 40, good: 39, scrap: 1, idealS: 80 }];
    const range = { start: t0 + 10 * M, end: t0 + 180 * M };
    const rows = bucketize(intervals, deltas, M);
    const inRange = rows.filter((b) => b.start >= range.start && b.start < range.end);
    const fromBuckets = elementsFromBuckets(sumBuckets(inRange), { range, planned: cal });
    const direct = elementsFromIntervals(intervals, deltas, range, cal);
    for (const [k, v] of Object.entries(direct)) {
      expect(fromBuckets[k as keyof typeof direct], k).toBeCloseTo(v, 6);
    }
  });

  it("scales elapsed time and a calendar to the number of machines in scope", () => {
    const range = { start: 0, end: 3600 * S };
    const e = elementsFromBuckets(sumBuckets([]), { range, machines: 3 });
    expect(e).toMatchObject({ elapsedS: 10_800, potS: 10_800, offlineS: 10_800, calendarS: 0 });
    const cal = ShiftCalendar.parse({
      timeZone: "UTC",
      shifts: [{ name: "all", days: ["thu"], start: "00:00", end: "00:00" }],
    });
    expect(elementsFromBuckets(sumBuckets([]), { range, machines: 3, planned: cal }).potS).toBe(10_800);
  });
});
