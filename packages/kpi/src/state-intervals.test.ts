import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  advanceState,
  createStateTracker,
  mergeAdjacent,
  openIntervals,
  type StateReading,
  stateIntervals,
} from "./state-intervals.ts";

const S = 1000;
const opts = { staleAfterMs: 30 * S };

describe("stateIntervals", () => {
  it("holds each state until the next reading and closes the last one at the last known timestamp", () => {
    const r: StateReading[] = [
      { ts: 0, state: "running" },
      { ts: 10 * S, state: "running" },
      { ts: 20 * S, state: "down" },
      { ts: 25 * S, state: "running" },
    ];
    expect(stateIntervals(r, opts)).toEqual([
      { start: 0, end: 20 * S, state: "running" },
      { start: 20 * S, end: 25 * S, state: "down" },
    ]);
  });

  it("sorts late and out-of-order readings before building intervals", () => {
    const r: StateReading[] = [
      { ts: 20 * S, state: "idle" },
      { ts: 0, state: "running" },
      { ts: 30 * S, state: "idle" },
      { ts: 10 * S, state: "setup" },
    ];
    expect(stateIntervals(r, opts)).toEqual([
      { start: 0, end: 10 * S, state: "running" },
      { start: 10 * S, end: 20 * S, state: "setup" },
      { start: 20 * S, end: 30 * S, state: "idle" },
    ]);
  });

  it("lets the last of several readings with the same timestamp win", () => {
    const r: StateReading[] = [
      { ts: 0, state: "running" },
      { ts: 5 * S, state: "down" },
      { ts: 5 * S, state: "setup" },
      { ts: 9 * S, state: "setup" },
    ];
    expect(stateIntervals(r, opts)).toEqual([
      { start: 0, end: 5 * S, state: "running" },
      { start: 5 * S, end: 9 * S, state: "setup" },
    ]);
  });

  it("turns a gap longer than the staleness limit into offline, closing the state at its last reading", () => {
    const r: StateReading[] = [
      { ts: 0, state: "running" },
      { ts: 10 * S, state: "running" },
      { ts: 100 * S, state: "running" },
      { ts: 110 * S, state: "idle" },
    ];
    expect(stateIntervals(r, opts)).toEqual([
      { start: 0, end: 10 * S, state: "running" },
      { start: 10 * S, end: 100 * S, state: "offline" },
      { start: 100 * S, end: 110 * S, state: "running" },
    ]);
  });

  it("does not call a gap exactly at the staleness limit offline", () => {
    const r: StateReading[] = [
      { ts: 0, state: "running" },
      { ts: 30 * S, state: "idle" },
    ];
    expect(stateIntervals(r, opts)).toEqual([{ start: 0, end: 30 * S, state: "running" }]);
  });

  it("extends the last state to `until` within the limit and goes offline past it", () => {
    const r: StateReading[] = [{ ts: 0, state: "running" }];
    expect(stateIntervals(r, { ...opts, until: 20 * S })).toEqual([
      { start: 0, end: 20 * S, state: "running" },
    ]);
    expect(stateIntervals([...r, { ts: 10 * S, state: "running" }], { ...opts, until: 100 * S })).toEqual([
      { start: 0, end: 10 * S, state: "running" },
      { start: 10 * S, end: 100 * S, state: "offline" },
    ]);
  });

  it("ignores readings at or after `until` and returns nothing for no readings", () => {
    const r: StateReading[] = [
      { ts: 0, state: "running" },
      { ts: 20 * S, state: "down" },
    ];
    expect(stateIntervals(r, { ...opts, until: 20 * S })).toEqual([
      { start: 0, end: 20 * S, state: "running" },
    ]);
    expect(stateIntervals([], { ...opts, until: 20 * S })).toEqual([]);
  });

  it("keeps an explicit offline reading as offline", () => {
    const r: StateReading[] = [
      { ts: 0, state: "offline" },
      { ts: 10 * S, state: "running" },
      { ts: 15 * S, state: "running" },
    ];
    expect(stateIntervals(r, opts)).toEqual([
      { start: 0, end: 10 * S, state: "offline" },
      { start: 10 * S, end: 15 * S, state: "running" },
    ]);
  });
});

describe("advanceState", () => {
  it("returns readings older than the last applied one as late and applies equal timestamps", () => {
    const first = advanceState(createStateTracker(opts), [
      { ts: 0, state: "running" },
      { ts: 10 * S, state: "running" },
    ]);
    const second = advanceState(first.next, [
      { ts: 5 * S, state: "down" },
      { ts: 10 * S, state: "setup" },
      { ts: 12 * S, state: "setup" },
    ]);
    expect(second.late).toEqual([{ ts: 5 * S, state: "down" }]);
    expect(second.closedIntervals).toEqual([{ start: 0, end: 10 * S, state: "running" }]);
    expect(second.next).toEqual({ staleAfterMs: 30 * S, state: "setup", openStart: 10 * S, lastTs: 12 * S });
  });

  it("closes an interval across batches when the gap to the next batch is stale", () => {
    const a = advanceState(createStateTracker(opts), [{ ts: 0, state: "running" }]);
    const b = advanceState(a.next, [{ ts: 60 * S, state: "running" }]);
    expect(b.closedIntervals).toEqual([{ start: 0, end: 60 * S, state: "offline" }]);
    expect(b.next.openStart).toBe(60 * S);
  });

  it("keeps the tracker JSON-safe", () => {
    const a = advanceState(createStateTracker(opts), [{ ts: 0, state: "idle" }]);
    expect(JSON.parse(JSON.stringify(a.next))).toEqual(a.next);
  });

  it("lets the caller repair buckets after a late reading by replaying stored readings", () => {
    const stored: StateReading[] = [
      { ts: 0, state: "running" },
      { ts: 20 * S, state: "running" },
      { ts: 40 * S, state: "running" },
    ];
    const live = advanceState(createStateTracker(opts), stored);
    const late = advanceState(live.next, [{ ts: 25 * S, state: "down" }]).late;
    expect(late).toHaveLength(1);
    // Replay from the stored reading at or before the earliest late one.
    const replay = [...stored.filter((r) => r.ts >= 20 * S), ...late];
    const fixed = stateIntervals(replay, { ...opts, until: 40 * S });
    expect(fixed).toEqual([
      { start: 20 * S, end: 25 * S, state: "running" },
      { start: 25 * S, end: 40 * S, state: "down" },
    ]);
  });
});

describe("openIntervals", () => {
  it("extends the open state to `until`, or ends it at lastTs and reports offline past the limit", () => {
    const t = advanceState(createStateTracker(opts), [
      { ts: 0, state: "running" },
      { ts: 10 * S, state: "running" },
    ]).next;
    expect(openIntervals(t, 20 * S)).toEqual([{ start: 0, end: 20 * S, state: "running" }]);
    expect(openIntervals(t, 90 * S)).toEqual([
      { start: 0, end: 10 * S, state: "running" },
      { start: 10 * S, end: 90 * S, state: "offline" },
    ]);
    expect(openIntervals(createStateTracker(opts), 90 * S)).toEqual([]);
  });
});

const reading = fc.record({
  ts: fc.integer({ min: 0, max: 600 }).map((x) => x * S),
  state: fc.constantFrom("running", "idle", "setup", "down", "offline" as const),
});

describe("properties", () => {
  it("gives ordered, non-overlapping intervals covering first reading to until", () => {
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 60 }), (rs) => {
        const until = 700 * S;
        const iv = stateIntervals(rs, { ...opts, until });
        const first = Math.min(...rs.map((r) => r.ts));
        expect(iv[0]?.start).toBe(first);
        expect(iv[iv.length - 1]?.end).toBe(until);
        for (let i = 0; i < iv.length; i++) {
          const cur = iv[i];
          const nxt = iv[i + 1];
          if (!cur) continue;
          expect(cur.end).toBeGreaterThan(cur.start);
          if (nxt) expect(nxt.start).toBe(cur.end);
        }
      }),
    );
  });

  it("gives the same intervals whether sorted readings arrive in one batch or many", () => {
    fc.assert(
      fc.property(
        fc.array(reading, { maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 60 })),
        (rs, cuts) => {
          const sorted = [...rs].sort((a, b) => a.ts - b.ts);
          const points = [...new Set(cuts.map((c) => Math.min(c, sorted.length)))].sort((a, b) => a - b);
          let tracker = createStateTracker(opts);
          const closed = [];
          let from = 0;
          for (const p of [...points, sorted.length]) {
            const r = advanceState(tracker, sorted.slice(from, p));
            expect(r.late).toEqual([]);
            closed.push(...r.closedIntervals);
            tracker = r.next;
            from = p;
          }
          const until = 700 * S;
          const whole = stateIntervals(sorted, { ...opts, until });
          expect(mergeAdjacent([...closed, ...openIntervals(tracker, until)])).toEqual(whole);
        },
      ),
    );
  });
});
