import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RobotModel } from "./model.ts";

describe("RobotModel", () => {
  it("is deterministic for a seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const a = new RobotModel({ seed });
        const b = new RobotModel({ seed });
        a.advance(3600);
        b.advance(1800);
        b.advance(1800);
        expect(b.snapshot()).toEqual(a.snapshot());
      }),
      { numRuns: 10 },
    );
  });

  it("different seeds give different histories", () => {
    const a = new RobotModel({ seed: 1 });
    const b = new RobotModel({ seed: 2 });
    a.advance(3600);
    b.advance(3600);
    expect(a.snapshot()).not.toEqual(b.snapshot());
  });

  it("over a simulated day: cycles, faults with error codes, pauses, manual periods; counters only grow", () => {
    const m = new RobotModel({ seed: 42 });
    const seen = new Set<string>();
    const errors = new Set<number>();
    let lastCount = m.snapshot().cycleCounter;
    let lastEnergy = m.snapshot().energyKwh;
    const cycleTimes: number[] = [];
    for (let minute = 0; minute < 24 * 60; minute++) {
      m.advance(60);
      const s = m.snapshot();
      seen.add(s.state);
      seen.add(`mode:${s.mode}`);
      if (s.errorCode) errors.add(s.errorCode);
      if (s.state === "fault") expect(s.errorCode).not.toBe(0);
      expect(s.cycleCounter).toBeGreaterThanOrEqual(lastCount);
      expect(s.energyKwh).toBeGreaterThan(lastEnergy);
      expect(s.jointTempsC.every((t) => t > 20 && t < 60)).toBe(true);
      cycleTimes.push(s.cycleTimeS);
      lastCount = s.cycleCounter;
      lastEnergy = s.energyKwh;
    }
    expect(seen).toContain("running");
    expect(seen).toContain("fault");
    expect(seen).toContain("paused");
    expect(seen).toContain("mode:manual");
    expect(errors.size).toBeGreaterThan(0);
    expect(new Set(cycleTimes).size).toBeGreaterThan(5); // noisy cycle time
    const s = m.snapshot();
    expect(s.cycleCounter - new RobotModel({ seed: 42 }).snapshot().cycleCounter).toBeGreaterThan(3000);
  });

  it("operator coils pause and stop until released", () => {
    const m = new RobotModel({ seed: 5 });
    m.setPaused(true);
    m.advance(3600);
    expect(m.snapshot()).toMatchObject({ state: "paused", paused: true });
    m.setPaused(false);
    expect(m.snapshot().state).toBe("running");
    m.setStopped(true);
    m.advance(60);
    expect(m.snapshot()).toMatchObject({ state: "stopped", stopped: true });
  });
});
