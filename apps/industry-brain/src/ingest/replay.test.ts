import type { BUCKET_FIELDS } from "@weft/kpi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunk, pressStream } from "../../test/fixtures/stream.ts";
import { byTime, type Carry, counterRoles, emptyCarry, type ReplayReading, replay } from "./replay.ts";

const OPTS = { staleMs: 5 * 60_000, microstopMs: 60_000, bucketMs: 60_000 };
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

function toReplay(machine: string, n: number, seed: number): ReplayReading[] {
  return pressStream(machine, T0, n, seed).map((r) => ({
    ts: r.ts,
    pointKey: r.point,
    signal: r.signal ?? null,
    value: r.value,
  }));
}

function sum(buckets: ReturnType<typeof replay>["buckets"], k: (typeof BUCKET_FIELDS)[number]) {
  return buckets.reduce((s, b) => s + b[k], 0);
}

describe("replay", () => {
  it("accounts every millisecond between the first and the last reading exactly once", () => {
    const rs = toReplay("m", 400, 7);
    const r = replay(emptyCarry(), rs, { ...OPTS, roles: counterRoles(emptyCarry(), rs) });
    const seconds = r.buckets.reduce(
      (s, b) => s + b.running_s + b.setup_s + b.down_s + b.idle_s + b.offline_s,
      0,
    );
    const first = rs[0]?.ts ?? 0;
    const last = rs[rs.length - 1]?.ts ?? 0;
    expect(seconds).toBeCloseTo((last - first) / 1000, 6);
    expect(sum(r.buckets, "offline_s")).toBeGreaterThanOrEqual(600);
  });

  it("gives the same buckets and jobs whether readings come in one batch or many (any split)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 300 }), (seed, size) => {
        const rs = toReplay("m", 150, seed);
        const roles = counterRoles(emptyCarry(), rs);
        const whole = replay(emptyCarry(), rs, { ...OPTS, roles });
        let carry: Carry = emptyCarry();
        const acc = new Map<number, number[]>();
        const jobs = new Map<string, number>();
        for (const part of chunk(rs, size)) {
          const r = replay(carry, part, { ...OPTS, roles });
          carry = r.carry;
          for (const b of r.buckets) {
            const v = acc.get(b.start) ?? [0, 0, 0];
            acc.set(b.start, [(v[0] ?? 0) + b.running_s, (v[1] ?? 0) + b.produced, (v[2] ?? 0) + b.down_s]);
          }
          for (const [id, j] of r.jobs) jobs.set(id, (jobs.get(id) ?? 0) + j.produced);
        }
        for (const b of whole.buckets) {
          const v = acc.get(b.start) ?? [0, 0, 0];
          expect(v[0]).toBeCloseTo(b.running_s, 6);
          expect(v[1]).toBeCloseTo(b.produced, 6);
          expect(v[2]).toBeCloseTo(b.down_s, 6);
        }
        for (const [id, j] of whole.jobs) expect(jobs.get(id) ?? 0).toBeCloseTo(j.produced, 6);
      }),
      { numRuns: 60 },
    );
  });

  it("counts a short stop between two running intervals as a microstop (running time), a long one as down", () => {
    const rs: ReplayReading[] = [
      { ts: T0, pointKey: "s", signal: "state", value: "running" },
      { ts: T0 + 120_000, pointKey: "s", signal: "state", value: "down" },
      { ts: T0 + 150_000, pointKey: "s", signal: "state", value: "running" },
      { ts: T0 + 240_000, pointKey: "s", signal: "state", value: "down" },
      { ts: T0 + 300_000, pointKey: "s", signal: "state", value: "down" },
      { ts: T0 + 400_000, pointKey: "s", signal: "state", value: "running" },
      { ts: T0 + 460_000, pointKey: "s", signal: "state", value: "running" },
    ];
    const r = replay(emptyCarry(), rs, { ...OPTS, roles: [] });
    const t = (k: (typeof BUCKET_FIELDS)[number]) => sum(r.buckets, k);
    expect(t("microstops")).toBe(1);
    expect(t("microstop_s")).toBe(30);
    expect(t("down_s")).toBe(160);
    expect(t("running_s")).toBe(120 + 30 + 90 + 60);
  });

  it("does not count a stop after an offline gap as a microstop: it is not between two running intervals", () => {
    const rs: ReplayReading[] = [
      { ts: T0, pointKey: "s", signal: "state", value: "running" },
      { ts: T0 + 30_000, pointKey: "s", signal: "state", value: "running" },
      // 420 s without data (> staleMs): offline. The machine comes back down, then runs 35 s later.
      { ts: T0 + 450_000, pointKey: "s", signal: "state", value: "down" },
      { ts: T0 + 485_000, pointKey: "s", signal: "state", value: "running" },
      { ts: T0 + 490_000, pointKey: "s", signal: "state", value: "running" },
    ];
    const r = replay(emptyCarry(), rs, { ...OPTS, roles: [] });
    const t = (k: (typeof BUCKET_FIELDS)[number]) => sum(r.buckets, k);
    expect([t("running_s"), t("down_s"), t("offline_s")]).toEqual([35, 35, 420]);
    expect([t("microstops"), t("failures")]).toEqual([0, 1]);
    // The running state carried across the gap held for no time: it is no interval of its own.
    expect(r.intervals.filter((i) => i.start === T0 + 450_000).map((i) => i.state)).toEqual(["down"]);
  });

  it("ignores a state that held for no time (two changes at one instant): no failure, microstop as in @weft/kpi", () => {
    const rs: ReplayReading[] = [
      { ts: T0, pointKey: "a", signal: "state", value: "running" },
      // Down and idle reported at the same instant: the down lasted no time and is no failure.
      { ts: T0 + 60_000, pointKey: "a", signal: "state", value: "down" },
      { ts: T0 + 60_000, pointKey: "b", signal: "state", value: "idle" },
      { ts: T0 + 80_000, pointKey: "b", signal: "state", value: "running" },
      { ts: T0 + 140_000, pointKey: "b", signal: "state", value: "running" },
    ];
    const r = replay(emptyCarry(), rs, { ...OPTS, roles: [] });
    const t = (k: (typeof BUCKET_FIELDS)[number]) => sum(r.buckets, k);
    // The 20 s idle sits between two running intervals: a microstop.
    expect([t("running_s"), t("down_s"), t("idle_s")]).toEqual([140, 0, 0]);
    expect([t("microstops"), t("microstop_s"), t("failures")]).toEqual([1, 20, 0]);
  });

  it("treats a counter drop as a reset (new job), never as negative production", () => {
    const rs: ReplayReading[] = [
      { ts: T0, pointKey: "c", signal: "totalCount", value: 500 },
      { ts: T0 + 1000, pointKey: "c", signal: "totalCount", value: 510 },
      { ts: T0 + 2000, pointKey: "c", signal: "totalCount", value: 4 },
      { ts: T0 + 3000, pointKey: "c", signal: "totalCount", value: 65_530 },
    ];
    const r = replay(emptyCarry(), rs, { ...OPTS, roles: ["totalCount"] });
    expect(sum(r.buckets, "produced")).toBe(10 + 4 + 65_526);
  });
});

describe("byTime", () => {
  const SIGNAL_ORDER = ["job", "idealCycleS", "state"];
  /** The documented canonical order, written out independently of the implementation. */
  const key = (r: ReplayReading): [number, number, string] => [
    r.ts,
    r.signal === null ? 9 : SIGNAL_ORDER.includes(r.signal) ? SIGNAL_ORDER.indexOf(r.signal) : 5,
    r.pointKey,
  ];
  const before = (a: ReplayReading, b: ReplayReading): boolean => {
    const [x, y] = [key(a), key(b)];
    return x[0] !== y[0] ? x[0] < y[0] : x[1] !== y[1] ? x[1] < y[1] : x[2] <= y[2];
  };
  const reading = fc.record({
    ts: fc.integer({ min: 0, max: 6 }),
    pointKey: fc.constantFrom("Job", "State", "Total", "Waste", "Other"),
    signal: fc.constantFrom(null, "job", "state", "totalCount", "rejectCount", "idealCycleS"),
    value: fc.constant(1),
  }) as fc.Arbitrary<ReplayReading>;

  it("orders any input by ts, then job, ideal cycle, state, counters, others, then point (property)", () => {
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 60 }), fc.boolean(), (rows, ascendingTs) => {
        // Both paths: timestamps already ascending (runs of ties only) and arbitrary order.
        const input = ascendingTs ? [...rows].sort((a, b) => a.ts - b.ts) : rows;
        const out = byTime(input);
        expect(out).toHaveLength(input.length);
        expect(new Set(out)).toEqual(new Set(input));
        for (let i = 1; i < out.length; i++)
          expect(before(out[i - 1] as ReplayReading, out[i] as ReplayReading)).toBe(true);
      }),
    );
  });
});
