import { creditCodeCheckChar } from "@weft/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Declaration } from "./declarations.ts";
import { previousMonth } from "./declarations.ts";
import { type EnterpriseFacts, evaluateEnterprise, evaluatePark } from "./evaluate.ts";
import { mergeWithDefaults, normalizeRuleSet, RuleSetInput } from "./rules.ts";

const now = new Date("2026-11-23T12:00:00Z");
const rules = mergeWithDefaults(null);

function facts(over: Partial<EnterpriseFacts> = {}): EnterpriseFacts {
  return {
    creditCode: "91350100M000100Y43",
    industryCode: "C23",
    aboveScale: true,
    declaredMachines: 4,
    connectedMachines: 2,
    lastDataAt: new Date(now.getTime() - 3_600_000),
    kpiMachines: 1,
    energySignal: false,
    declarations: {},
    ...over,
  };
}

function decl(value: unknown): Declaration {
  return { value, declaredBy: "张三", declaredAt: now, evidenceUrl: null, note: null };
}

describe("evaluateEnterprise", () => {
  it("covers an enterprise that meets the default required items", () => {
    const r = evaluateEnterprise(rules, facts(), now);
    expect(r.covered).toBe(true);
    expect(r.missing).toEqual([]);
    expect(r.items.find((i) => i.item === "connectivity")?.source).toBe("measured");
    expect(r.items.find((i) => i.item === "cloud")?.source).toBe("none");
  });

  it("names exactly the missing items", () => {
    const r = evaluateEnterprise(
      rules,
      facts({ connectedMachines: 1, lastDataAt: new Date(now.getTime() - 25 * 3_600_000) }),
      now,
    );
    expect(r.covered).toBe(false);
    expect(r.missing).toEqual(["connectivity", "liveData"]);
    expect(r.items.find((i) => i.item === "liveData")?.reason).toBe("data-too-old");
  });

  it("rejects a credit code with a bad check digit", () => {
    const r = evaluateEnterprise(rules, facts({ creditCode: "91350100M000100Y44" }), now);
    expect(r.missing).toEqual(["identity"]);
    expect(r.items[0]?.reason).toBe("credit-code-check-digit");
  });

  it("treats 0 declared machines as not connected, not a division by zero", () => {
    const r = evaluateEnterprise(rules, facts({ declaredMachines: 0, connectedMachines: 0 }), now);
    const c = r.items.find((i) => i.item === "connectivity");
    expect(c?.ok).toBe(false);
    expect(c?.detail.ratio).toBeNull();
  });

  it("marks energy measured when a signal exists, declared when a meter is declared", () => {
    expect(evaluateEnterprise(rules, facts({ energySignal: true }), now).items[4]).toMatchObject({
      ok: true,
      source: "measured",
    });
    const d = evaluateEnterprise(rules, facts({ declarations: { energy: decl({ smartMeter: true }) } }), now);
    expect(d.items[4]).toMatchObject({ ok: true, source: "declared", declaration: { declaredBy: "张三" } });
  });

  it("a required declared item changes coverage once declared", () => {
    const strict = normalizeRuleSet(
      RuleSetInput.parse(rules.map((r) => ({ ...r, required: r.required || r.item === "cloud" }))),
    );
    expect(evaluateEnterprise(strict, facts(), now).missing).toEqual(["cloud"]);
    const yes = facts({
      declarations: { cloud: decl({ infrastructure: true, management: false, business: false }) },
    });
    expect(evaluateEnterprise(strict, yes, now).covered).toBe(true);
    const no = facts({
      declarations: { cloud: decl({ infrastructure: false, management: false, business: false }) },
    });
    expect(evaluateEnterprise(strict, no, now).items[6]).toMatchObject({ ok: false, source: "declared" });
  });

  it("monthly report must be for last month or later", () => {
    expect(previousMonth(new Date("2026-01-10T00:00:00Z"))).toBe("2025-12");
    expect(previousMonth(new Date("2026-01-31T17:00:00Z"))).toBe("2026-01"); // already Feb 1 in China
    const old = evaluateEnterprise(
      rules,
      facts({ declarations: { monthlyReport: decl({ month: "2026-09" }) } }),
      now,
    );
    expect(old.items[5]?.ok).toBe(false);
    const fresh = evaluateEnterprise(
      rules,
      facts({ declarations: { monthlyReport: decl({ month: "2026-10" }) } }),
      now,
    );
    expect(fresh.items[5]?.ok).toBe(true);
  });

  it("digital level passes on grade or level", () => {
    const g = evaluateEnterprise(
      rules,
      facts({ declarations: { digitalLevel: decl({ grade: 2, level: null }) } }),
      now,
    );
    expect(g.items[7]?.ok).toBe(true);
    const l = evaluateEnterprise(
      rules,
      facts({ declarations: { digitalLevel: decl({ grade: 1, level: 1 }) } }),
      now,
    );
    expect(l.items[7]?.ok).toBe(false);
  });

  it("connectivity holds exactly when connected/declared ≥ threshold (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 0, max: 500 }),
        (declared, connected) => {
          const r = evaluateEnterprise(
            rules,
            facts({ declaredMachines: declared, connectedMachines: connected }),
            now,
          );
          const ok = r.items.find((i) => i.item === "connectivity")?.ok;
          expect(ok).toBe(declared > 0 && connected / declared >= 0.5);
          expect(r.covered).toBe(r.missing.length === 0);
        },
      ),
    );
  });

  it("any valid generated credit code passes identity (property)", () => {
    const alpha = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const body = fc
      .tuple(
        fc.string({ unit: fc.constantFrom(...alpha), minLength: 2, maxLength: 2 }),
        fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 6, maxLength: 6 }),
        fc.string({ unit: fc.constantFrom(...alpha), minLength: 9, maxLength: 9 }),
      )
      .map(([a, b, c]) => a + b + c);
    fc.assert(
      fc.property(body, (b) => {
        const code = b + (creditCodeCheckChar(b) ?? "");
        expect(evaluateEnterprise(rules, facts({ creditCode: code }), now).items[0]?.ok).toBe(true);
      }),
    );
  });
});

describe("evaluatePark", () => {
  const pf = { enterprises: 10, coveredEnterprises: 8, lastIndustryDataAt: now, declarations: {} };
  it("is digitalized at 80% covered enterprises with industry data", () => {
    expect(evaluatePark(rules, pf, now)).toMatchObject({ digitalized: true, enterpriseRatio: 0.8 });
  });
  it("misses enterprise coverage below 80% and brain connection without data", () => {
    const r = evaluatePark(rules, { ...pf, coveredEnterprises: 7, lastIndustryDataAt: null }, now);
    expect(r.missing).toEqual(["enterpriseCoverage", "brainConnection"]);
  });
  it("an empty park has ratio null, never NaN", () => {
    const r = evaluatePark(rules, { ...pf, enterprises: 0, coveredEnterprises: 0 }, now);
    expect(r.enterpriseRatio).toBeNull();
    expect(r.digitalized).toBe(false);
  });
  it("infrastructure needs every flag", () => {
    const some = { network: true, smartMeters: true, video: true, fireSafety: false };
    const r = evaluatePark(rules, { ...pf, declarations: { infrastructure: decl(some) } }, now);
    expect(r.items.find((i) => i.item === "infrastructure")).toMatchObject({ ok: false, source: "declared" });
  });
});

describe("rule sets", () => {
  it("rejects duplicates and ratios above 1", () => {
    expect(
      RuleSetInput.safeParse([
        { item: "identity", required: true, weight: 1 },
        { item: "identity", required: false, weight: 1 },
      ]).success,
    ).toBe(false);
    expect(
      RuleSetInput.safeParse([
        { item: "connectivity", required: true, weight: 1, threshold: { minRatio: 2 } },
      ]).success,
    ).toBe(false);
  });
  it("fills items a stored set lacks with defaults and keeps kinds fixed", () => {
    const r = normalizeRuleSet([
      { item: "connectivity", required: false, weight: 2, threshold: { minRatio: 0.6 } },
    ]);
    expect(r).toHaveLength(12);
    expect(r[1]).toMatchObject({
      kind: "measured",
      required: false,
      weight: 2,
      threshold: { minRatio: 0.6 },
    });
  });
});
