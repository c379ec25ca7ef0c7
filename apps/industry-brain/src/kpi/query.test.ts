import { localDayStart, localMonthStart, ShiftCalendar } from "@weft/kpi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketWindows, evaluate, plannedOf, segmentsFor, toTotals } from "./query.ts";

const H = 3_600_000;
const MON = Date.UTC(2026, 10, 22, 16, 0, 0); // Monday 2026-11-23 00:00 Asia/Shanghai
const CAL = ShiftCalendar.parse({
  timeZone: "Asia/Shanghai",
  shifts: [
    { name: "early", days: ["mon", "tue", "wed", "thu", "fri"], start: "06:00", end: "14:00" },
    {
      name: "late",
      days: ["mon", "tue", "wed", "thu", "fri"],
      start: "14:00",
      end: "22:30",
      breaks: [{ start: "18:00", end: "18:30" }],
    },
  ],
  holidays: ["2026-11-25"],
});
const ZERO = toTotals(undefined);

describe("plannedOf", () => {
  it("sums calendar time per machine and the whole range for enterprises without one", () => {
    const p = plannedOf(
      [
        { calendar: CAL, machines: 2 },
        { calendar: null, machines: 3 },
      ],
      MON,
      MON + 24 * H,
    );
    expect(p.potS).toBe(2 * 16.5 * 3600 + 3 * 24 * 3600);
    expect(p.pdotS).toBe(2 * 0.5 * 3600);
    expect(p.calendarS).toBe(2 * 24 * 3600);
  });

  it("a holiday plans nothing", () => {
    const p = plannedOf([{ calendar: CAL, machines: 4 }], MON + 48 * H, MON + 72 * H);
    expect(p).toEqual({ potS: 0, pdotS: 0, calendarS: 4 * 24 * 3600, defaultCalendarS: 0 });
  });

  it("is additive over adjacent ranges (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 14 * 24 * 60 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.integer({ min: 0, max: 5 }),
        (a, b, c, m) => {
          const t0 = MON + a * 60_000;
          const t1 = t0 + b * 60_000;
          const t2 = t1 + c * 60_000;
          const g = [
            { calendar: CAL, machines: m },
            { calendar: null, machines: 1 },
          ];
          const whole = plannedOf(g, t0, t2);
          const x = plannedOf(g, t0, t1);
          const y = plannedOf(g, t1, t2);
          expect(x.potS + y.potS).toBeCloseTo(whole.potS, 6);
          expect(x.pdotS + y.pdotS).toBeCloseTo(whole.pdotS, 6);
          expect(whole.potS).toBeLessThanOrEqual(((t2 - t0) / 1000) * (m + 1) + 1e-6);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("evaluate with plan groups", () => {
  it("reports calendar, partial or none from the groups", () => {
    const range: [number, number] = [MON, MON + 24 * H];
    expect(evaluate(ZERO, ...range, 1, [{ calendar: CAL, machines: 1 }]).kpis.calendar).toBe("calendar");
    expect(
      evaluate(ZERO, ...range, 2, [
        { calendar: CAL, machines: 1 },
        { calendar: null, machines: 1 },
      ]).kpis.calendar,
    ).toBe("partial");
    expect(evaluate(ZERO, ...range, 1, [{ calendar: null, machines: 1 }]).kpis.calendar).toBe("none");
    expect(evaluate(ZERO, ...range, 1).kpis.calendar).toBe("none");
    expect(evaluate(ZERO, ...range, 1, [{ calendar: CAL, machines: 1, isDefault: true }]).kpis.calendar).toBe(
      "default",
    );
  });
});

describe("bucketWindows", () => {
  it("shift buckets are the calendar's shifts, holidays and weekends skipped", () => {
    const w = bucketWindows("shift", MON, MON + 7 * 24 * H, "Asia/Shanghai", CAL);
    // Mon, Tue, Thu, Fri × 2 shifts (Wednesday is a holiday).
    expect(w).toHaveLength(8);
    expect(w[0]).toEqual({ start: MON + 6 * H, end: MON + 14 * H, name: "early" });
    expect(w[1]).toEqual({ start: MON + 14 * H, end: MON + 22.5 * H, name: "late" });
    expect(w.some((x) => x.start >= MON + 48 * H && x.start < MON + 72 * H)).toBe(false);
  });

  it("without a calendar, shift buckets are 08:00 and 20:00 local", () => {
    const w = bucketWindows("shift", MON, MON + 24 * H, "Asia/Shanghai", null);
    expect(w.map((x) => (x.start - MON) / H)).toEqual([-4, 8, 20]);
    expect(w.every((x) => x.end - x.start === 12 * H)).toBe(true);
  });
});

describe("segmentsFor with months", () => {
  it("covers [from, to) exactly once, counting subtracted days, with months on local month starts (property)", () => {
    const zones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York"];
    const base = Date.UTC(2025, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * 24 * 60 }),
        fc.integer({ min: 1, max: 400 * 24 * 60 }),
        fc.constantFrom(...zones),
        fc.array(fc.integer({ min: -2 * 24 * 60, max: 802 * 24 * 60 }), { minLength: 20, maxLength: 20 }),
        (a, len, tz, probes) => {
          const from = base + a * 60_000;
          const to = from + len * 60_000;
          const plain = segmentsFor(from, to, tz);
          const withMonths = segmentsFor(from, to, tz, true);
          expect(withMonths.from).toBe(plain.from);
          expect(withMonths.to).toBe(plain.to);
          for (const s of withMonths.segments) {
            if (s.month) {
              expect(localMonthStart(s.from, tz)).toBe(s.from);
              expect(localMonthStart(s.to, tz)).toBe(s.to);
            }
            if (s.table === "machine_daily_rollups") {
              expect(localDayStart(s.from, tz)).toBe(s.from);
              expect(localDayStart(s.to, tz)).toBe(s.to);
            }
          }
          const net = (segs: typeof plain.segments, t: number) =>
            segs.reduce((n, s) => n + (t >= s.from && t < s.to ? (s.sign ?? 1) : 0), 0);
          for (const p of probes) {
            const t = base + p * 60_000;
            const inside = t >= plain.from && t < plain.to ? 1 : 0;
            expect(net(withMonths.segments, t)).toBe(inside);
            expect(net(plain.segments, t)).toBe(inside);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("takes a partial month as the whole month less its few days outside the range", () => {
    const tz = "Asia/Shanghai";
    const mar3 = Date.UTC(2026, 2, 2, 16); // 3 March 00:00 local
    const may28 = Date.UTC(2026, 4, 27, 16);
    const { segments } = segmentsFor(mar3, may28, tz, true);
    expect(
      segments.map((s) => [new Date(s.from).toISOString().slice(0, 10), s.month ?? false, s.sign ?? 1]),
    ).toEqual([
      ["2026-02-28", true, 1], // March
      ["2026-02-28", false, -1], // less 1–2 March
      ["2026-03-31", true, 1], // April
      ["2026-04-30", true, 1], // May
      ["2026-05-27", false, -1], // less 28–31 May
    ]);
  });
});
