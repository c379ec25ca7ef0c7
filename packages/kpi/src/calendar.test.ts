import { describe, expect, it } from "vitest";
import {
  plannedBusyWindows,
  plannedTime,
  ShiftCalendar,
  type ShiftCalendarInput,
  shiftsIn,
} from "./calendar.ts";

const H = 3_600_000;
const cal = (input: ShiftCalendarInput): ShiftCalendar => ShiftCalendar.parse(input);
const weekdays = ["mon", "tue", "wed", "thu", "fri"] as const;

const shanghai = cal({
  timeZone: "Asia/Shanghai",
  shifts: [
    {
      name: "day",
      days: [...weekdays],
      start: "08:00",
      end: "17:00",
      breaks: [{ start: "12:00", end: "13:00" }],
    },
  ],
});
const cst = (s: string): number => Date.parse(`${s}+08:00`);

describe("plannedTime (Asia/Shanghai, no DST)", () => {
  it("sums a working week: 5 × 9 h POT, 5 × 1 h PDOT", () => {
    const week = { start: cst("2026-11-23T00:00:00"), end: cst("2026-11-30T00:00:00") };
    expect(plannedTime(shanghai, week)).toEqual({ potS: 45 * 3600, pdotS: 5 * 3600 });
  });

  it("counts only the part of a shift and break inside a range that cuts them", () => {
    const range = { start: cst("2026-11-23T12:30:00"), end: cst("2026-11-23T15:00:00") };
    expect(plannedTime(shanghai, range)).toEqual({ potS: 2.5 * 3600, pdotS: 0.5 * 3600 });
  });

  it("skips holidays and works extra days like the weekday given", () => {
    const c = cal({
      ...shanghai,
      holidays: ["2026-10-01", "2026-10-02"],
      extraWorkingDays: [{ date: "2026-10-10", as: "mon" }],
    });
    const r = (d: string) => ({ start: cst(`${d}T00:00:00`), end: cst(`${d}T23:59:59`) });
    expect(plannedTime(c, r("2026-10-01")).potS).toBe(0);
    expect(plannedTime(c, r("2026-10-10")).potS).toBe(9 * 3600);
    expect(plannedTime(c, r("2026-10-11")).potS).toBe(0);
  });

  it("handles a night shift crossing midnight with a break after midnight", () => {
    const c = cal({
      timeZone: "Asia/Shanghai",
      shifts: [
        {
          name: "night",
          days: ["mon"],
          start: "22:00",
          end: "06:00",
          breaks: [{ start: "02:00", end: "02:30" }],
        },
      ],
    });
    const [s] = shiftsIn(c, { start: cst("2026-11-23T00:00:00"), end: cst("2026-11-25T00:00:00") });
    expect(s).toEqual({
      name: "night",
      date: "2026-11-23",
      start: cst("2026-11-23T22:00:00"),
      end: cst("2026-11-24T06:00:00"),
      breaks: [{ start: cst("2026-11-24T02:00:00"), end: cst("2026-11-24T02:30:00") }],
    });
    // A range starting on Tuesday still sees the Monday night shift that runs into it.
    const tue = { start: cst("2026-11-24T00:00:00"), end: cst("2026-11-25T00:00:00") };
    expect(plannedTime(c, tue)).toEqual({ potS: 6 * 3600, pdotS: 1800 });
  });

  it("counts overlapping shifts once", () => {
    const c = cal({
      timeZone: "Asia/Shanghai",
      shifts: [
        { name: "a", days: ["mon"], start: "06:00", end: "14:00" },
        { name: "b", days: ["mon"], start: "13:00", end: "21:00" },
      ],
    });
    const day = { start: cst("2026-11-23T00:00:00"), end: cst("2026-11-24T00:00:00") };
    expect(plannedTime(c, day).potS).toBe(15 * 3600);
    expect(shiftsIn(c, day).map((s) => s.name)).toEqual(["a", "b"]);
  });

  it("gives planned busy windows = shifts minus breaks", () => {
    const day = { start: cst("2026-11-23T00:00:00"), end: cst("2026-11-24T00:00:00") };
    expect(plannedBusyWindows(shanghai, day)).toEqual([
      { start: cst("2026-11-23T08:00:00"), end: cst("2026-11-23T12:00:00") },
      { start: cst("2026-11-23T13:00:00"), end: cst("2026-11-23T17:00:00") },
    ]);
  });
});

describe("plannedTime across DST changes", () => {
  const berlinNight = cal({
    timeZone: "Europe/Berlin",
    shifts: [{ name: "night", days: ["sat"], start: "22:00", end: "06:00" }],
  });
  const wide = (from: string, to: string) => ({ start: Date.parse(from), end: Date.parse(to) });

  it("makes the Berlin night shift 7 h when clocks spring forward (2026-03-29)", () => {
    const [s] = shiftsIn(berlinNight, wide("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z"));
    expect(s?.start).toBe(Date.parse("2026-03-28T21:00:00Z"));
    expect(s?.end).toBe(Date.parse("2026-03-29T04:00:00Z"));
    expect(plannedTime(berlinNight, wide("2026-03-28T00:00:00Z", "2026-03-30T00:00:00Z")).potS).toBe(
      7 * 3600,
    );
  });

  it("makes the Berlin night shift 9 h when clocks fall back (2026-10-25)", () => {
    expect(plannedTime(berlinNight, wide("2026-10-24T00:00:00Z", "2026-10-26T00:00:00Z")).potS).toBe(
      9 * 3600,
    );
  });

  it("keeps a day shift on a DST day at its wall-clock times (New York, 2026-03-08 and 2026-11-01)", () => {
    const ny = cal({
      timeZone: "America/New_York",
      shifts: [{ name: "d", days: ["sun"], start: "08:00", end: "16:00" }],
    });
    const [spring] = shiftsIn(ny, wide("2026-03-08T00:00:00Z", "2026-03-09T12:00:00Z"));
    expect(spring?.start).toBe(Date.parse("2026-03-08T12:00:00Z"));
    expect((spring?.end ?? 0) - (spring?.start ?? 0)).toBe(8 * H);
    const [fall] = shiftsIn(ny, wide("2026-11-01T00:00:00Z", "2026-11-02T12:00:00Z"));
    expect(fall?.start).toBe(Date.parse("2026-11-01T13:00:00Z"));
  });

  it("moves a start time skipped by spring-forward to after the gap, and takes the first of a repeated time", () => {
    const c = (start: string) =>
      cal({ timeZone: "Europe/Berlin", shifts: [{ name: "x", days: ["sun"], start, end: "12:00" }] });
    const [skipped] = shiftsIn(c("02:30"), wide("2026-03-29T00:00:00Z", "2026-03-29T12:00:00Z"));
    expect(skipped?.start).toBe(Date.parse("2026-03-29T01:30:00Z")); // 03:30 CEST
    const [repeated] = shiftsIn(c("02:30"), wide("2026-10-25T00:00:00Z", "2026-10-25T12:00:00Z"));
    expect(repeated?.start).toBe(Date.parse("2026-10-25T00:30:00Z")); // first 02:30, still CEST
  });
});

describe("ShiftCalendar schema", () => {
  it("rejects unknown zones, bad times and bad dates with field paths", () => {
    const bad = ShiftCalendar.safeParse({
      timeZone: "Mars/Olympus",
      shifts: [{ name: "x", days: ["mon"], start: "25:00", end: "06:00" }],
      holidays: ["2026-13-45", "2026-02-30"],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join(".")) ?? [];
    expect(paths).toEqual(expect.arrayContaining(["timeZone", "shifts.0.start", "holidays.0", "holidays.1"]));
  });

  it("fills defaults: no breaks, no holidays, extra days work like Monday", () => {
    const c = ShiftCalendar.parse({
      timeZone: "Asia/Shanghai",
      shifts: [{ name: "x", days: ["mon"], start: "08:00", end: "16:00" }],
      extraWorkingDays: [{ date: "2026-10-10" }],
    });
    expect(c.shifts[0]?.breaks).toEqual([]);
    expect(c.holidays).toEqual([]);
    expect(c.extraWorkingDays).toEqual([{ date: "2026-10-10", as: "mon" }]);
  });
});
