import { describe, expect, it } from "vitest";
import { localDayStart, localHourStart, zoneOffsetMs } from "./zone.ts";

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
});
