import { describe, expect, it } from "vitest";
import { runPrintingLine } from "../src/run.ts";

describe("printing-line example", () => {
  it("runs press simulator → gateway → brain and gets KPIs for both presses", async () => {
    const lines: string[] = [];
    const r = await runPrintingLine({ seconds: 8, speed: 600, print: (l) => lines.push(l) });
    expect(r.lost).toBe(0);
    expect(r.readingsUploaded).toBeGreaterThan(20);
    expect(r.kpis.map((k) => k.machine)).toEqual(["press-01", "press-02"]);
    for (const k of r.kpis) {
      expect(k.availability).not.toBeNull();
      expect(k.produced).toBeGreaterThan(0);
      expect(k.good).toBeLessThanOrEqual(k.produced);
    }
    expect(lines.join("\n")).toContain("availability");
  });
});
