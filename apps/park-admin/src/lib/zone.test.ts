import { zoneOffsetMs } from "@weft/kpi/zone";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zoneMidnight } from "./zone.ts";

describe("zone days", () => {
  it("midnight in Shanghai is 16:00 UTC the day before, whatever zone runs the test", () => {
    expect(new Date(zoneMidnight(2026, 12, 6, "Asia/Shanghai")).toISOString()).toBe(
      "2026-12-05T16:00:00.000Z",
    );
    expect(zoneOffsetMs(Date.UTC(2026, 11, 6), "Asia/Kathmandu")).toBe(5.75 * 3_600_000);
  });

  it("follows daylight saving: New York midnight is 04:00 UTC in summer and 05:00 in winter", () => {
    expect(new Date(zoneMidnight(2026, 7, 1, "America/New_York")).toISOString()).toBe(
      "2026-07-01T04:00:00.000Z",
    );
    expect(new Date(zoneMidnight(2026, 12, 1, "America/New_York")).toISOString()).toBe(
      "2026-12-01T05:00:00.000Z",
    );
    // The day DST starts (2026-03-08) still begins at midnight EST.
    expect(new Date(zoneMidnight(2026, 3, 8, "America/New_York")).toISOString()).toBe(
      "2026-03-08T05:00:00.000Z",
    );
  });

  it("for any day and zone, the answer reads back as that day's 00:00 in the zone", () => {
    const zones = ["Asia/Shanghai", "Europe/Berlin", "America/Sao_Paulo", "Pacific/Auckland", "UTC"];
    fc.assert(
      fc.property(
        fc.date({ min: new Date(2000, 0, 1), max: new Date(2040, 0, 1), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (at, zone) => {
          const y = at.getUTCFullYear();
          const m = at.getUTCMonth() + 1;
          const d = at.getUTCDate();
          const ms = zoneMidnight(y, m, d, zone);
          const shown = new Intl.DateTimeFormat("en-CA", {
            timeZone: zone,
            hourCycle: "h23",
            year: "numeric",
            month: "2-digit",
            day: "2-digit",
            hour: "2-digit",
            minute: "2-digit",
          }).format(new Date(ms));
          expect(shown).toBe(`${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}, 00:00`);
        },
      ),
    );
  });
});
