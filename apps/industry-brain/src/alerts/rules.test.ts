import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  downSince,
  evaluateRule,
  type Facts,
  type Firing,
  type MachineFact,
  oeeKey,
  type Rule,
  reconcile,
  type Unresolved,
} from "./rules.ts";

const MIN = 60_000;
const NOW = Date.UTC(2026, 11, 5, 8, 0);

function machine(id: number, over: Partial<MachineFact> = {}): MachineFact {
  return {
    id,
    label: `m${id}`,
    cityId: 1,
    parkId: 10,
    enterpriseId: 100,
    state: "running",
    stateSince: NOW - 60 * MIN,
    lastTs: NOW - 1000,
    ...over,
  };
}

function facts(over: Partial<Facts> = {}): Facts {
  return { now: NOW, staleAfterMs: 5 * MIN, machines: [], gateways: [], parks: [], ...over };
}

function rule(kind: Rule["kind"], params: Rule["params"], over: Partial<Rule> = {}): Rule {
  return { id: 1, kind, params, enabled: true, cityId: 1, parkId: null, enterpriseId: null, ...over };
}

describe("evaluateRule", () => {
  it("fires machine-down only after N minutes down, and counts silence as offline", () => {
    const f = facts({
      machines: [
        machine(1, { state: "down", stateSince: NOW - 20 * MIN }),
        machine(2, { state: "down", stateSince: NOW - 10 * MIN }),
        machine(3, { state: "running", lastTs: NOW - 30 * MIN }),
        machine(4),
      ],
    });
    const out = evaluateRule(rule("machine-down", { minutes: 15 }), f);
    expect(out.map((x) => x.subject)).toEqual(["machine:1", "machine:3"]);
    expect(out[0]?.value).toBeCloseTo(20, 6);
    expect(out[1]?.value).toBeCloseTo(30, 6);
  });

  it("keeps to the rule's scope: enterprise, then park, then city", () => {
    const f = facts({
      machines: [
        machine(1, { lastTs: NOW - 60 * MIN }),
        machine(2, { lastTs: NOW - 60 * MIN, enterpriseId: 101 }),
        machine(3, { lastTs: NOW - 60 * MIN, parkId: 11, enterpriseId: 102 }),
        machine(4, { lastTs: NOW - 60 * MIN, cityId: 2, parkId: 20, enterpriseId: 200 }),
      ],
    });
    const subjects = (r: Rule) => evaluateRule(r, f).map((x) => x.subject);
    expect(subjects(rule("data-stale", { minutes: 30 }, { enterpriseId: 101, parkId: 10 }))).toEqual([
      "machine:2",
    ]);
    expect(subjects(rule("data-stale", { minutes: 30 }, { parkId: 10 }))).toEqual(["machine:1", "machine:2"]);
    expect(subjects(rule("data-stale", { minutes: 30 }))).toEqual(["machine:1", "machine:2", "machine:3"]);
  });

  it("fires oee-below from the window's OEE, never for a machine without one", () => {
    const oee = new Map([
      [oeeKey(1, 480), 0.4],
      [oeeKey(2, 480), 0.7],
      [oeeKey(3, 480), null],
    ]);
    const f = facts({ machines: [machine(1), machine(2), machine(3)], oee });
    const out = evaluateRule(rule("oee-below", { minutes: 480, ratio: 0.6 }), f);
    expect(out).toEqual([{ subject: "machine:1", label: "m1", value: 0.4 }]);
  });

  it("fires gateway-silent and gateway-backlog, never for a revoked gateway", () => {
    const gw = { cityId: 1, parkId: 10, enterpriseId: 100, label: "g", revoked: false };
    const f = facts({
      gateways: [
        { ...gw, id: "a", lastSeenAt: NOW - 12 * MIN, lagMs: 0 },
        { ...gw, id: "b", lastSeenAt: NOW - 1000, lagMs: 45 * MIN },
        { ...gw, id: "c", lastSeenAt: NOW - 60 * MIN, lagMs: 60 * MIN, revoked: true },
        { ...gw, id: "d", lastSeenAt: null, lagMs: null },
      ],
    });
    expect(evaluateRule(rule("gateway-silent", { minutes: 10 }), f).map((x) => x.subject)).toEqual([
      "gateway:a",
    ]);
    expect(evaluateRule(rule("gateway-backlog", { minutes: 30 }), f).map((x) => x.subject)).toEqual([
      "gateway:b",
    ]);
  });

  it("fires coverage-below for parks under the target ratio", () => {
    const f = facts({
      parks: [
        { cityId: 1, parkId: 10, label: "p10", ratio: 0.5 },
        { cityId: 1, parkId: 11, label: "p11", ratio: 0.9 },
        { cityId: 1, parkId: 12, label: "p12", ratio: null },
      ],
    });
    expect(evaluateRule(rule("coverage-below", { ratio: 0.8 }), f)).toEqual([
      { subject: "park:10", label: "p10", value: 0.5 },
    ]);
  });

  it("carries the English label of a subject that has one", () => {
    const f = facts({
      machines: [
        machine(1, { lastTs: NOW - 90 * MIN, labelEn: "Caihong · press" }),
        machine(2, { lastTs: NOW - 90 * MIN }),
      ],
    });
    const out = evaluateRule(rule("data-stale", { minutes: 30 }), f);
    expect(out.map((x) => x.labelEn)).toEqual(["Caihong · press", undefined]);
  });

  it("a disabled rule fires for nothing", () => {
    const f = facts({ machines: [machine(1, { lastTs: NOW - 90 * MIN })] });
    expect(evaluateRule(rule("data-stale", { minutes: 1 }, { enabled: false }), f)).toEqual([]);
  });

  it("property: machine-down fires exactly when the down time reaches the threshold", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 600 }),
        fc.constantFrom("down", "offline", "running", "idle", "setup"),
        (minutes, downFor, state) => {
          const m = machine(1, { state, stateSince: NOW - downFor * MIN, lastTs: NOW - 1000 });
          const fired =
            evaluateRule(rule("machine-down", { minutes }), facts({ machines: [m] })).length === 1;
          const isDown = state === "down" || state === "offline";
          expect(fired).toBe(isDown && downFor >= minutes);
          expect(downSince(m, NOW, 5 * MIN)).toBe(isDown ? NOW - downFor * MIN : null);
        },
      ),
    );
  });
});

describe("reconcile", () => {
  const firingArb = fc.record({
    subject: fc.constantFrom("machine:1", "machine:2", "machine:3", "gateway:a", "park:1"),
    label: fc.constant("x"),
    value: fc.double({ min: 0, max: 100, noNaN: true }),
  });
  const firingsArb = fc.array(
    fc.tuple(fc.integer({ min: 1, max: 4 }), fc.array(firingArb, { maxLength: 6 })),
    {
      maxLength: 4,
    },
  );
  const unresolvedArb = fc.uniqueArray(
    fc.record({
      ruleId: fc.integer({ min: 1, max: 4 }),
      subject: fc.constantFrom("machine:1", "machine:2", "machine:3", "gateway:a", "park:1"),
    }),
    { selector: (a) => `${a.ruleId}|${a.subject}`, maxLength: 10 },
  );

  function apply(unresolved: Unresolved[], firings: Map<number, Firing[]>): Unresolved[] {
    const plan = reconcile(unresolved, firings);
    let next = Math.max(0, ...unresolved.map((a) => a.id)) + 1;
    const kept = unresolved.filter((a) => !plan.resolve.includes(a.id));
    return [...kept, ...plan.open.map((o) => ({ id: next++, ruleId: o.ruleId, subject: o.firing.subject }))];
  }

  it("property: after a plan the unresolved alerts are exactly the firings, once each, and a second plan is empty", () => {
    fc.assert(
      fc.property(unresolvedArb, firingsArb, (u, fs) => {
        const unresolved = u.map((a, i) => ({ ...a, id: i + 1 }));
        const firings = new Map<number, Firing[]>();
        for (const [r, list] of fs) firings.set(r, [...(firings.get(r) ?? []), ...list]);
        const after = apply(unresolved, firings);
        const keys = after.map((a) => `${a.ruleId}|${a.subject}`);
        expect(new Set(keys).size).toBe(keys.length);
        const want = new Set<string>();
        for (const [r, list] of firings) for (const f of list) want.add(`${r}|${f.subject}`);
        expect(new Set(keys)).toEqual(want);
        const again = reconcile(after, firings);
        expect(again).toEqual({ open: [], resolve: [] });
        // Alerts that keep firing keep their id (acknowledgements survive re-evaluation).
        for (const a of unresolved) if (want.has(`${a.ruleId}|${a.subject}`)) expect(after).toContainEqual(a);
      }),
    );
  });
});
