import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advanceMicrostops, applyMicrostops, createMicrostopTracker } from "./microstops.ts";
import { mergeAdjacent, type StateInterval } from "./state-intervals.ts";

const S = 1000;
const iv = (start: number, end: number, state: StateInterval["state"]): StateInterval => ({
  start: start * S,
  end: end * S,
  state,
});

describe("applyMicrostops", () => {
  it("turns a short down between two runs into running time marked as a microstop", () => {
    expect(applyMicrostops([iv(0, 100, "running"), iv(100, 130, "down"), iv(130, 200, "running")])).toEqual([
      iv(0, 100, "running"),
      { ...iv(100, 130, "running"), microstop: true },
      iv(130, 200, "running"),
    ]);
  });

  it("treats a short idle, and a short down+idle run, as one microstop", () => {
    const out = applyMicrostops([
      iv(0, 100, "running"),
      iv(100, 120, "down"),
      iv(120, 150, "idle"),
      iv(150, 200, "running"),
    ]);
    expect(out).toEqual([
      iv(0, 100, "running"),
      { ...iv(100, 150, "running"), microstop: true },
      iv(150, 200, "running"),
    ]);
  });

  it("keeps a stop as long as the threshold (60 s by default) as down time", () => {
    const input = [iv(0, 100, "running"), iv(100, 160, "down"), iv(160, 200, "running")];
    expect(applyMicrostops(input)).toEqual(input);
    expect(applyMicrostops(input, { thresholdMs: 61 * S })[1]).toEqual({
      ...iv(100, 160, "running"),
      microstop: true,
    });
  });

  it("keeps a run of short stops whose total reaches the threshold", () => {
    const input = [
      iv(0, 100, "running"),
      iv(100, 140, "down"),
      iv(140, 170, "idle"),
      iv(170, 200, "running"),
    ];
    expect(applyMicrostops(input)).toEqual(input);
  });

  it("never reclassifies setup, offline, a stop not between runs, or a stop with a gap", () => {
    const cases: StateInterval[][] = [
      [iv(0, 100, "running"), iv(100, 110, "setup"), iv(110, 200, "running")],
      [iv(0, 100, "running"), iv(100, 110, "offline"), iv(110, 200, "running")],
      [iv(0, 100, "idle"), iv(100, 110, "down"), iv(110, 200, "running")],
      [iv(0, 100, "running"), iv(100, 110, "down"), iv(110, 200, "setup")],
      [iv(0, 100, "running"), iv(105, 110, "down"), iv(110, 200, "running")],
      [iv(0, 100, "running"), iv(100, 110, "down")],
    ];
    for (const c of cases) expect(applyMicrostops(c)).toEqual(c);
  });
});

describe("advanceMicrostops", () => {
  it("holds a short stop until the next state is known and decides it from the open interval", () => {
    const t0 = createMicrostopTracker();
    const a = advanceMicrostops(t0, [iv(0, 100, "running"), iv(100, 120, "down")]);
    expect(a.intervals).toEqual([iv(0, 100, "running")]);
    expect(a.next.pending).toEqual([iv(100, 120, "down")]);
    const b = advanceMicrostops(a.next, [], { open: { state: "running", start: 120 * S } });
    expect(b.intervals).toEqual([{ ...iv(100, 120, "running"), microstop: true }]);
    expect(b.next.pending).toEqual([]);
    const c = advanceMicrostops(a.next, [], { open: { state: "setup", start: 120 * S } });
    expect(c.intervals).toEqual([iv(100, 120, "down")]);
  });

  it("matches the batch form for any split of the interval stream", () => {
    const states = ["running", "down", "idle", "setup", "offline"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.record({ len: fc.integer({ min: 1, max: 90 }), state: fc.constantFrom(...states) }), {
          maxLength: 40,
        }),
        fc.nat(),
        (spec, cut) => {
          let t = 0;
          const input = spec.map(({ len, state }) => {
            t += len;
            return iv(t - len, t, state);
          });
          const at = cut % (input.length + 1);
          const a = advanceMicrostops(createMicrostopTracker(), input.slice(0, at));
          const b = advanceMicrostops(JSON.parse(JSON.stringify(a.next)), input.slice(at));
          const joined = mergeAdjacent([...a.intervals, ...b.intervals, ...b.next.pending]);
          expect(joined).toEqual(applyMicrostops(input));
          const total = (xs: StateInterval[]): number => xs.reduce((s, x) => s + x.end - x.start, 0);
          expect(total(joined)).toBe(total(input));
        },
      ),
    );
  });
});
