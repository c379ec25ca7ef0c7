import { describe, expect, it } from "vitest";
import { ShiftCalendar } from "./calendar.ts";
import { addElements, elementsFromIntervals, emptyElements, sumElements } from "./elements.ts";
import type { StateInterval } from "./state-intervals.ts";

const M = 60_000;
const iv = (a: number, b: number, state: StateInterval["state"], microstop?: boolean): StateInterval => ({
  start: a * M,
  end: b * M,
  state,
  ...(microstop ? { microstop } : {}),
});

describe("elementsFromIntervals", () => {
  const intervals = [
    iv(0, 10, "setup"),
    iv(10, 40, "running"),
    iv(40, 40.5, "running", true),
    iv(40.5, 50, "running"),
    iv(50, 55, "down"),
    iv(55, 60, "idle"),
    iv(60, 70, "offline"),
    iv(70, 80, "running"),
  ];

  it("maps states to ISO 22400 time elements over a range without a calendar", () => {
    const e = elementsFromIntervals(
      intervals,
      [
        { ts: 0, produced: 500, good: 480, scrap: 20, idealS: 2500, energyKwh: 12.5 },
        { ts: 90 * M, produced: 99 },
      ],
      { start: 0, end: 90 * M },
    );
    expect(e).toMatchObject({
      elapsedS: 5400,
      calendarS: 0,
      potS: 5400,
      pdotS: 0,
      pbtS: 5400,
      aptS: 50 * 60,
      austS: 600,
      adetS: 300,
      adotS: 300,
      offlineS: 1200, // 10 min offline + 10 min with no interval at all
      auptS: 3600,
      aubtS: 3900,
      aoetS: 4200,
      idealS: 2500,
      pq: 500,
      gq: 480,
      sq: 20,
      rq: 0,
      failures: 1,
      repairS: 300,
      microstops: 1,
      microstopS: 30,
      energyKwh: 12.5,
    });
  });

  it("counts only the part of an interval inside a range that cuts it, and events where they start", () => {
    const e = elementsFromIntervals(intervals, [], { start: 52 * M, end: 75 * M });
    expect(e.adetS).toBe(180);
    expect(e.failures).toBe(0); // the down interval started before the range
    expect(e.adotS).toBe(300);
    expect(e.aptS).toBe(300);
    expect(e.offlineS).toBe(600);
    const first = elementsFromIntervals(intervals, [], { start: 45 * M, end: 52 * M });
    expect(first.failures).toBe(1);
  });

  it("takes POT and PDOT from a calendar or a given planned time, and says so", () => {
    const cal = ShiftCalendar.parse({
      timeZone: "UTC",
      shifts: [
        {
          name: "d",
          days: ["mon"],
          start: "00:30",
          end: "01:30",
          breaks: [{ start: "01:00", end: "01:10" }],
        },
      ],
    });
    const monday = Date.UTC(2026, 10, 23);
    const shifted = intervals.map((x) => ({ ...x, start: x.start + monday, end: x.end + monday }));
    const e = elementsFromIntervals(shifted, [], { start: monday, end: monday + 90 * M }, cal);
    expect(e).toMatchObject({ potS: 3600, pdotS: 600, pbtS: 3000, calendarS: 5400 });
    const g = elementsFromIntervals(
      shifted,
      [],
      { start: monday, end: monday + 90 * M },
      { potS: 100, pdotS: 10 },
    );
    expect(g).toMatchObject({ potS: 100, pdotS: 10, pbtS: 90 });
  });

  it("returns zeros for an empty range", () => {
    expect(elementsFromIntervals(intervals, [], { start: 5, end: 5 })).toEqual(emptyElements());
  });
});

describe("addElements / sumElements", () => {
  it("adds field by field and sums an empty list to zeros", () => {
    const a = elementsFromIntervals([iv(0, 10, "running")], [{ ts: 0, produced: 3, good: 3 }], {
      start: 0,
      end: 20 * M,
    });
    const b = elementsFromIntervals([iv(0, 5, "down")], [], { start: 0, end: 10 * M });
    const s = addElements(a, b);
    expect(s).toMatchObject({ elapsedS: 1800, aptS: 600, adetS: 300, failures: 1, pq: 3, offlineS: 900 });
    expect(sumElements([a, b])).toEqual(s);
    expect(sumElements([])).toEqual(emptyElements());
  });
});
