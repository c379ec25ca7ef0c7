import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Bucket } from "./buckets.ts";
import {
  advanceMachine,
  createMachineTracker,
  type MachineBatch,
  type MachineKpiConfig,
  type MachineTracker,
  replayMachine,
  splitMachineReadings,
} from "./machine.ts";
import type { ReplayPlan } from "./replay.ts";

const S = 1000;
const M = 60_000;
const cfg: MachineKpiConfig = {
  staleAfterMs: 120 * S,
  counters: { totalCount: { type: "uint16" }, rejectCount: { type: "uint16" }, energyKwh: { type: "float" } },
  idealCycleS: 2,
};

type Raw = { ts: number; value: unknown; quality: string; signal?: string };

/** The brain's ingest path for one machine, with raw storage and a rollup table in memory. */
class Brain {
  stored: Raw[] = [];
  rows = new Map<number, Bucket>();
  tracker: MachineTracker = createMachineTracker(cfg);

  push(readings: Raw[]): void {
    this.stored.push(...readings);
    const r = advanceMachine(this.tracker, splitMachineReadings(readings), cfg);
    for (const b of r.buckets) this.add(b);
    this.tracker = r.next;
    if (!r.replay) return;
    const fix = replayMachine(this.load(r.replay), r.replay, cfg);
    for (const [start] of this.rows) if (start >= r.replay.rebuildFrom) this.rows.delete(start);
    for (const b of fix.buckets) this.add(b);
    this.tracker = fix.next;
  }

  /** What a SQL query per signal would load: from the last reading before the boundary onward. */
  load(plan: ReplayPlan): MachineBatch {
    const from = (signal: string, before: number): Raw[] => {
      const mine = this.stored.filter((r) => r.signal === signal).sort((a, b) => a.ts - b.ts);
      const i = mine.findLastIndex((r) => r.ts < before);
      return mine.slice(Math.max(0, i));
    };
    return splitMachineReadings([
      ...from("state", plan.stateReadingsBefore),
      ...["totalCount", "rejectCount", "energyKwh", "idealCycleS"].flatMap((s) =>
        from(s, plan.counterSamplesBefore),
      ),
    ]);
  }

  add(b: Bucket): void {
    const row = this.rows.get(b.start);
    if (!row) {
      this.rows.set(b.start, { ...b });
      return;
    }
    for (const k of Object.keys(b) as (keyof Bucket)[]) if (k !== "start") row[k] += b[k];
  }

  table(): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const [start, row] of [...this.rows].sort((a, b) => a[0] - b[0])) {
      const vals = Object.entries(row)
        .filter(([k]) => k !== "start")
        .map(([, v]) => Math.round(v * 1e6) / 1e6);
      if (vals.some((v) => v !== 0)) out[start] = vals;
    }
    return out;
  }
}

describe("advanceMachine", () => {
  it("turns one batch into rollups: states, microstops, wraps, scrap, ideal time and energy", () => {
    const t = (s: number) => s * S;
    const batch: Raw[] = [
      { ts: t(0), signal: "state", value: "running", quality: "good" },
      { ts: t(50), signal: "state", value: "down", quality: "good" },
      { ts: t(70), signal: "state", value: "running", quality: "good" },
      { ts: t(130), signal: "state", value: "running", quality: "good" },
      { ts: t(0), signal: "totalCount", value: 65_530, quality: "good" },
      { ts: t(40), signal: "totalCount", value: 14, quality: "good" },
      { ts: t(90), signal: "totalCount", value: 30, quality: "good" },
      { ts: t(10), signal: "rejectCount", value: 3, quality: "good" },
      { ts: t(45), signal: "rejectCount", value: 5, quality: "good" },
      { ts: t(0), signal: "energyKwh", value: 100.5, quality: "good" },
      { ts: t(100), signal: "energyKwh", value: 101.25, quality: "good" },
      { ts: t(80), signal: "idealCycleS", value: 3, quality: "good" },
      { ts: t(95), signal: "totalCount", value: 99, quality: "bad" },
      { ts: t(96), signal: "state", value: "exploding", quality: "good" },
    ];
    const r = advanceMachine(createMachineTracker(cfg), splitMachineReadings(batch), cfg);
    expect(r.replay).toBeNull();
    const [b0, b1] = r.buckets;
    expect(b0).toMatchObject({
      start: 0,
      running_s: 60,
      down_s: 0,
      microstops: 1,
      microstop_s: 10,
      failures: 0,
    });
    expect(b0).toMatchObject({ produced: 20, good: 18, scrap: 2, ideal_s: 40 });
    expect(b1).toMatchObject({
      start: M,
      running_s: 10,
      produced: 16,
      good: 16,
      ideal_s: 48,
      energy_kwh: 0.75,
    });
    expect(r.next.idealCycleS).toBe(3);
    expect(JSON.parse(JSON.stringify(r.next))).toEqual(r.next);
  });

  it("reports samples that do not fit the counter type", () => {
    const r = advanceMachine(
      createMachineTracker(cfg),
      splitMachineReadings([
        { ts: 0, signal: "totalCount", value: 5, quality: "good" },
        { ts: 1, signal: "totalCount", value: 70_000, quality: "good" },
      ]),
      cfg,
    );
    expect(r.invalid).toEqual([{ role: "totalCount", ts: 1 }]);
  });
});

const signals = ["state", "state", "totalCount", "rejectCount", "energyKwh", "idealCycleS"] as const;
const STATES = ["running", "running", "idle", "setup", "down", "offline"] as const;

describe("late readings across signals", () => {
  it("leaves the rollups equal to an in-order computation, whatever arrives late", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 1, max: 40 }),
            signal: fc.constantFrom(...signals),
            state: fc.constantFrom(...STATES),
            inc: fc.integer({ min: 0, max: 400 }),
            pru: fc.integer({ min: 1, max: 5 }),
            delay: fc.constantFrom(0, 0, 0, 1, 3),
          }),
          { minLength: 1, maxLength: 120 },
        ),
        (spec) => {
          let ts = 0;
          const totals: Record<string, number> = { totalCount: 65_000, rejectCount: 10, energyKwh: 5 };
          const all: (Raw & { delay: number })[] = spec.map((x) => {
            ts += x.dt * 7 * S;
            let value: unknown = x.state;
            if (x.signal === "idealCycleS") value = x.pru;
            else if (x.signal !== "state") {
              const total = (totals[x.signal] ?? 0) + x.inc;
              totals[x.signal] = total;
              value = total % (x.signal === "energyKwh" ? 1e9 : 65_536);
            }
            // Ideal cycle changes are sent reliably; everything else may be delayed.
            return {
              ts,
              signal: x.signal,
              value,
              quality: "good",
              delay: x.signal === "idealCycleS" ? 0 : x.delay,
            };
          });
          const batches: Raw[][] = [];
          all.forEach(({ delay, ...r }, i) => {
            const at = Math.floor(i / 4) + delay;
            while (batches.length <= at) batches.push([]);
            batches[at]?.push(r);
          });
          const live = new Brain();
          for (const b of batches) live.push(b);
          const ref = new Brain();
          ref.push(all.map(({ delay: _d, ...r }) => r));
          expect(live.table()).toEqual(ref.table());
          expect(live.tracker).toEqual(ref.tracker);
        },
      ),
      { numRuns: 150 },
    );
  });
});
