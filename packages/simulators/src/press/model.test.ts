import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PressModel, type PressSnapshot } from "./model.ts";
import { deriveSeed, Prng } from "./prng.ts";

function day(seed: number): PressSnapshot[] {
  const m = new PressModel(seed);
  const out: PressSnapshot[] = [];
  for (let s = 0; s < 86_400; s += 60) {
    m.advance(60);
    out.push(m.snapshot());
  }
  return out;
}

describe("press model", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    expect(day(7)).toEqual(day(7));
    expect(day(7)).not.toEqual(day(8));
  });

  it("produces a realistic day: every state, several jobs, counters that behave", () => {
    const snaps = day(1);
    const statuses = new Set(snaps.map((s) => s.deviceStatus));
    for (const st of ["Idle", "Setup", "Running", "Cleanup", "Down"]) expect(statuses, st).toContain(st);
    const details = new Set(snaps.map((s) => s.statusDetails));
    for (const d of ["FormChange", "Waste", "Good", "WashUp", "PaperJam"]) expect(details, d).toContain(d);
    expect(new Set(snaps.map((s) => s.jobId)).size).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < snaps.length; i++) {
      const a = snaps[i - 1] as PressSnapshot;
      const b = snaps[i] as PressSnapshot;
      expect(b.energyKwh).toBeGreaterThan(a.energyKwh);
      expect(b.totalProductionCounter).toBeGreaterThanOrEqual(a.totalProductionCounter);
      if (b.jobId === a.jobId) expect(b.productionCounter).toBeGreaterThanOrEqual(a.productionCounter);
      else expect(b.productionCounter).toBeLessThan(5000); // a new job restarts the per-job counter
    }
    const last = snaps.at(-1) as PressSnapshot;
    expect(last.totalProductionCounter).toBeGreaterThan(50_000);
    expect(last.simSeconds).toBe(86_400);
  });

  it("a press started 'running' prints sheets in its first minute; a cold start is still in make-ready", () => {
    const warm = new PressModel(3, "J", {}, "running");
    expect(warm.snapshot().deviceStatus).toBe("Running");
    warm.advance(60);
    expect(warm.snapshot().deviceStatus).toBe("Running");
    expect(warm.snapshot().productionCounter).toBeGreaterThan(100);
    const cold = new PressModel(3);
    cold.advance(60);
    expect(cold.snapshot().deviceStatus).toBe("Setup");
    expect(cold.snapshot().productionCounter).toBe(0);
  });

  it("maps JDF states to Machinery item state and operation mode consistently", () => {
    const m = new PressModel(3);
    for (let i = 0; i < 20_000; i++) {
      m.advance(7);
      const s = m.snapshot();
      const pair = `${s.deviceStatus}:${s.machineryItemState}:${s.machineryOperationMode}`;
      expect(["Idle:2:3", "Setup:3:2", "Running:3:3", "Cleanup:3:2", "Down:1:3"]).toContain(pair);
      if (s.deviceStatus !== "Running" && s.deviceStatus !== "Setup") expect(s.speed).toBe(0);
    }
  });

  it("an injected fault stops the press at once and it resumes afterwards", () => {
    const m = new PressModel(1);
    m.advance(3600);
    expect(m.injectFault("BreakDown")).toBe(true);
    expect(m.snapshot()).toMatchObject({
      deviceStatus: "Down",
      statusDetails: "BreakDown",
      machineryItemState: 1,
    });
    expect(m.injectFault("PaperJam")).toBe(false);
    m.advance(5400);
    expect(m.snapshot().deviceStatus).not.toBe("Down");
  });

  it("the PRNG stays in range for any seed", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 100 }), (seed, idx) => {
        const r = new Prng(deriveSeed(seed, idx));
        for (let i = 0; i < 50; i++) {
          const x = r.next();
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
          const k = r.int(3, 9);
          expect(k >= 3 && k <= 9 && Number.isInteger(k)).toBe(true);
        }
      }),
    );
  });
});
