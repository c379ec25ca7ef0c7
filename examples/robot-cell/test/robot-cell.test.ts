import { describe, expect, it } from "vitest";
import { runRobotCell } from "../src/run.ts";

describe("robot-cell example", () => {
  it("runs robot simulators → gateway → brain and gets KPIs for both cells", async () => {
    const lines: string[] = [];
    const r = await runRobotCell({ seconds: 8, speed: 60, print: (l) => lines.push(l) });
    expect(r.lost).toBe(0);
    expect(r.readingsUploaded).toBeGreaterThan(20);
    expect(r.kpis.map((k) => k.machine)).toEqual(["robot-cell-01", "robot-cell-02"]);
    for (const k of r.kpis) {
      expect(k.availability).not.toBeNull();
      expect(k.produced).toBeGreaterThan(0);
      expect(k.good).toBeLessThanOrEqual(k.produced);
    }
    expect(lines.join("\n")).toContain("availability");
  });
});
