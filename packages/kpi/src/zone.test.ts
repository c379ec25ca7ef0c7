import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localDayStart, localHourStart, localMonthStart, zoneOffsetMs } from "./zone.ts";

describe("zone helpers", () => {
  it("knows Asia/Shanghai is UTC+8 and its local midnight", () => {
    const t = Date.UTC(2026, 10, 23, 15, 30);
    expect(zoneOffsetMs(t, "Asia/Shanghai")).toBe(8 * 3_600_000);
    expect(localDayStart(t, "Asia/Shanghai")).toBe(Date.UTC(2026, 10, 22, 16));
    expect(localDayStart(Date.UTC(2026, 10, 23, 16), "Asia/Shanghai")).toBe(Date.UTC(2026, 10, 23, 16));
    expect(localHourStart(t, "Asia/Shanghai")).toBe(Date.UTC(2026, 10, 23, 15));
  });

  it("follows daylight saving time (Europe/Berlin)", () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 10), "Europe/Berlin")).toBe(3_600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 10), "Europe/Berlin")).toBe(7_200_000);
    expect(localDayStart(Date.UTC(2026, 6, 10, 12), "Europe/Berlin")).toBe(Date.UTC(2026, 6, 9, 22));
  });

  it("starts a DST-change day at its real local midnight, not at the offset of noon", () => {
    // 2026-03-29: Berlin springs forward at 02:00 local; midnight was still UTC+1 (23:00 UTC the day before).
    expect(localDayStart(Date.UTC(2026, 2, 29, 12), "Europe/Berlin")).toBe(Date.UTC(2026, 2, 28, 23));
    // 2026-10-25: falls back at 03:00 local; midnight was still UTC+2 (22:00 UTC the day before).
    expect(localDayStart(Date.UTC(2026, 9, 25, 12), "Europe/Berlin")).toBe(Date.UTC(2026, 9, 24, 22));
  });

  it("gives the cached offset and a fresh computation the same answer around a change", () => {
    const change = Date.UTC(2026, 2, 29, 1); // 01:00 UTC = 03:00 CEST
    expect(zoneOffsetMs(change - 1, "Europe/Berlin")).toBe(3_600_000);
    expect(zoneOffsetMs(change, "Europe/Berlin")).toBe(7_200_000);
    expect(zoneOffsetMs(change - 1, "Europe/Berlin")).toBe(3_600_000);
  });

  it("starts a month at local midnight of its first day (Shanghai, Berlin across DST)", () => {
    expect(localMonthStart(Date.UTC(2026, 10, 23, 15), "Asia/Shanghai")).toBe(Date.UTC(2026, 9, 31, 16));
    // 1 Nov 00:00 in Shanghai is still October in UTC: the November bucket.
    expect(localMonthStart(Date.UTC(2026, 9, 31, 16), "Asia/Shanghai")).toBe(Date.UTC(2026, 9, 31, 16));
    expect(localMonthStart(Date.UTC(2026, 9, 31, 15, 59), "Asia/Shanghai")).toBe(Date.UTC(2026, 8, 30, 16));
    // March in Berlin starts in winter time (UTC+1) and ends in summer time.
    expect(localMonthStart(Date.UTC(2026, 2, 31, 12), "Europe/Berlin")).toBe(Date.UTC(2026, 1, 28, 23));
    expect(localMonthStart(Date.UTC(2026, 3, 1, 12), "Europe/Berlin")).toBe(Date.UTC(2026, 2, 31, 22));
  });

  it("puts every instant in the month that starts at or before it and ends after it (property)", () => {
    const zones = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (t, tz) => {
          const start = localMonthStart(t, tz);
          const next = localMonthStart(start + 32 * 86_400_000, tz);
          expect(start).toBeLessThanOrEqual(t);
          expect(next).toBeGreaterThan(t);
          // A month is whole local days: its start is a local midnight, and it holds 28–31 of them.
          expect(localDayStart(start, tz)).toBe(start);
          expect(localMonthStart(start, tz)).toBe(start);
          const days = Math.round((next - start) / 86_400_000);
          expect(days).toBeGreaterThanOrEqual(28);
          expect(days).toBeLessThanOrEqual(31);
        },
      ),
      { numRuns: 300 },
    );
  });
});
