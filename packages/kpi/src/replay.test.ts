import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Bucket, bucketize } from "./buckets.ts";
import { advanceCounter, type CounterReading, createCounterTracker } from "./counter.ts";
import {
  advanceMicrostops,
  confirmedOpen,
  createMicrostopTracker,
  type MicrostopTracker,
} from "./microstops.ts";
import { replayCounter, replayPlan, replayStates } from "./replay.ts";
import {
  advanceState,
  createStateTracker,
  type StateReading,
  type StateTracker,
  sortReadings,
} from "./state-intervals.ts";

const S = 1000;
const M = 60_000;
const STALE = 120 * S;
const STATE_COLS = [
  "running_s",
  "setup_s",
  "down_s",
  "idle_s",
  "offline_s",
  "microstop_s",
  "failures",
  "microstops",
] as const;

/** The state half of the brain's ingest path, with an in-memory rollup table. */
class Machine {
  readings: StateReading[] = [];
  rows = new Map<number, Bucket>();
  st: StateTracker = createStateTracker({ staleAfterMs: STALE });
  mt: MicrostopTracker = createMicrostopTracker();

  ingest(batch: StateReading[]): void {
    this.readings.push(...batch);
    const r = advanceState(this.st, batch);
    const m = advanceMicrostops(this.mt, r.closedIntervals, { open: confirmedOpen(r.next) });
    for (const b of bucketize(m.intervals, [], M)) this.add(b);
    this.st = r.next;
    this.mt = m.next;
    const plan = replayPlan(
      r.late.map((x) => x.ts),
      { state: this.st, microstops: this.mt, bucketMs: M },
    );
    if (!plan) return;
    const all = sortReadings(this.readings);
    const i = all.findLastIndex((x) => x.ts < plan.stateReadingsBefore);
    const rep = replayStates(all.slice(Math.max(0, i)), plan, { staleAfterMs: STALE, bucketMs: M });
    for (const [start, row] of this.rows)
      if (start >= plan.rebuildFrom) for (const k of STATE_COLS) row[k] = 0;
    for (const b of rep.buckets) this.add(b);
    this.st = rep.state;
    this.mt = rep.microstops;
  }

  add(b: Bucket): void {
    const row = this.rows.get(b.start);
    if (!row) this.rows.set(b.start, { ...b });
    else for (const k of STATE_COLS) row[k] += b[k];
  }

  table(): Record<number, number[]> {
    const out: Record<number, number[]> = {};
    for (const [start, row] of [...this.rows].sort((a, b) => a[0] - b[0])) {
      const vals = STATE_COLS.map((k) => Math.round(row[k] * 1000) / 1000);
      if (vals.some((v) => v !== 0)) out[start] = vals;
    }
    return out;
  }
}

/** The same machine computed once from all readings. */
function reference(readings: StateReading[]): Record<number, number[]> {
  const ref = new Machine();
  const r = advanceState(ref.st, readings);
  const m = advanceMicrostops(ref.mt, r.closedIntervals, { open: confirmedOpen(r.next) });
  for (const b of bucketize(m.intervals, [], M)) ref.add(b);
  return ref.table();
}

const STATES = ["running", "running", "idle", "setup", "down", "offline"] as const;

describe("late state readings", () => {
  it("repairs the rollups so they equal a computation from all readings in order", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 3_000 }), { minLength: 2, maxLength: 80 }),
        fc.array(fc.constantFrom(...STATES), { minLength: 80, maxLength: 80 }),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 80, maxLength: 80 }),
        (tsList, states, delays) => {
          const readings = tsList
            .sort((a, b) => a - b)
            .map((t, i) => ({ ts: t * 7 * S, state: states[i] ?? "running" }));
          // Deliver in batches of 5 by arrival; a reading with delay d arrives d batches late.
          const batches: StateReading[][] = [];
          readings.forEach((r, i) => {
            const at = Math.floor(i / 5) + (delays[i] ?? 0);
            while (batches.length <= at) batches.push([]);
            batches[at]?.push(r);
          });
          const live = new Machine();
          for (const b of batches) live.ingest(b);
          expect(live.table()).toEqual(reference(readings));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("plans the repair one staleness limit and one microstop threshold before the earliest late reading", () => {
    const state = {
      ...createStateTracker({ staleAfterMs: STALE }),
      state: "running" as const,
      openStart: 20 * M,
      lastTs: 21 * M,
    };
    const microstops = createMicrostopTracker();
    expect(replayPlan([], { state, microstops, bucketMs: M })).toBeNull();
    expect(replayPlan([10 * M + 5 * S, 12 * M], { state, microstops, bucketMs: M })).toEqual({
      rebuildFrom: 7 * M,
      replayFrom: 7 * M,
      stateReadingsBefore: 6 * M,
      counterSamplesBefore: 7 * M,
    });
    // An open interval the live path has not emitted yet, older than the rebuild point, is replayed too.
    const early = { ...state, openStart: 2 * M + 30 * S };
    expect(replayPlan([10 * M], { state: early, microstops, bucketMs: M })?.replayFrom).toBe(2 * M + 30 * S);
  });
});

describe("late counter samples", () => {
  it("re-books deltas so their sum from the repair point matches an in-order computation", () => {
    const samples: CounterReading[] = [
      { ts: 0, value: 100 },
      { ts: 60 * S, value: 160 },
      { ts: 180 * S, value: 65_530 },
      { ts: 240 * S, value: 20 },
    ];
    const late: CounterReading = { ts: 120 * S, value: 65_500 };
    const live = advanceCounter(createCounterTracker({ type: "uint16" }), samples);
    expect(advanceCounter(live.next, [late]).late).toEqual([late]);
    const plan = { rebuildFrom: 2 * M, counterSamplesBefore: 2 * M };
    const stored = [...samples, late].sort((a, b) => a.ts - b.ts);
    const i = stored.findLastIndex((s) => s.ts < plan.counterSamplesBefore);
    const rep = replayCounter(stored.slice(i), { type: "uint16" }, plan);
    expect(rep.deltas).toEqual([
      { ts: 120 * S, delta: 65_340, kind: "increase" },
      { ts: 180 * S, delta: 30, kind: "increase" },
      { ts: 240 * S, delta: 26, kind: "wrap" },
    ]);
    expect(rep.next).toEqual(advanceCounter(createCounterTracker({ type: "uint16" }), stored).next);
  });
});
