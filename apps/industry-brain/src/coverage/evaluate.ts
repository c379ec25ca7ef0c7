import { creditCodeProblem, industryDivision } from "@weft/core";
import type { CoverageRuleItem } from "@weft/db/schema";
import { type Declaration, parseDeclared, previousMonth } from "./declarations.ts";
import { type CoverageItem, type EnterpriseItem, num, type ParkItem } from "./rules.ts";

/** Where an item's answer came from; the UI and exports always show it. */
export type ItemSource = "measured" | "declared" | "none";

export interface ItemResult<I extends CoverageItem = CoverageItem> {
  item: I;
  required: boolean;
  ok: boolean;
  source: ItemSource;
  /** Short machine-readable reason when not ok, e.g. `ratio-below-threshold`. */
  reason: string | null;
  /** Figures behind the answer (ratios, ages, flags). */
  detail: Record<string, number | string | boolean | null>;
  declaration: Omit<Declaration, "value"> | null;
}

/** Everything known about one enterprise that the checklist needs. Plain values: no I/O. */
export interface EnterpriseFacts {
  creditCode: string;
  industryCode: string;
  aboveScale: boolean | null;
  declaredMachines: number;
  /** Production machines that sent data within the connectivity window. */
  connectedMachines: number;
  /** Newest reading from any machine, or null. */
  lastDataAt: Date | null;
  /** Machines with a state signal and a counter mapped. */
  kpiMachines: number;
  energySignal: boolean;
  declarations: Partial<Record<EnterpriseItem, Declaration>>;
}

export interface EnterpriseCoverage {
  covered: boolean;
  items: ItemResult<EnterpriseItem>[];
  /** Required items that do not hold. */
  missing: EnterpriseItem[];
  /** Weighted share of all items that hold, 0..1 (informational). */
  score: number;
}

type Check = Omit<ItemResult, "item" | "required">;

const HOUR = 3_600_000;

function measured(ok: boolean, reason: string, detail: Check["detail"]): Check {
  return { ok, source: "measured", reason: ok ? null : reason, detail, declaration: null };
}

function declared(
  ok: boolean,
  reason: string,
  d: Declaration | undefined,
  detail: Check["detail"] = {},
): Check {
  if (!d) return { ok: false, source: "none", reason: "not-declared", detail, declaration: null };
  const { value: _v, ...prov } = d;
  return { ok, source: "declared", reason: ok ? null : reason, detail, declaration: prov };
}

function checkEnterpriseItem(rule: CoverageRuleItem, f: EnterpriseFacts, now: Date): Check {
  const item = rule.item as EnterpriseItem;
  const d = f.declarations[item];
  switch (item) {
    case "identity": {
      const creditProblem = creditCodeProblem(f.creditCode);
      const industryOk = industryDivision(f.industryCode) !== null;
      const ok = creditProblem === null && industryOk && f.aboveScale !== null;
      const reason = creditProblem
        ? `credit-code-${creditProblem}`
        : !industryOk
          ? "industry-code"
          : "above-scale-flag";
      return {
        ok,
        source: "declared",
        reason: ok ? null : reason,
        detail: { creditCode: f.creditCode, industryCode: f.industryCode, aboveScale: f.aboveScale },
        declaration: null,
      };
    }
    case "connectivity": {
      const min = num(rule, "minRatio", 0.5);
      const ratio = f.declaredMachines > 0 ? f.connectedMachines / f.declaredMachines : null;
      const ok = ratio !== null && ratio >= min;
      const reason = ratio === null ? "no-declared-machines" : "ratio-below-threshold";
      return measured(ok, reason, {
        connected: f.connectedMachines,
        declared: f.declaredMachines,
        ratio,
        minRatio: min,
      });
    }
    case "liveData": {
      const within = num(rule, "withinHours", 24);
      const ageH = f.lastDataAt ? (now.getTime() - f.lastDataAt.getTime()) / HOUR : null;
      const ok = ageH !== null && ageH <= within;
      return measured(ok, ageH === null ? "never-sent-data" : "data-too-old", {
        ageHours: ageH,
        withinHours: within,
        lastDataAt: f.lastDataAt?.toISOString() ?? null,
      });
    }
    case "kpiFeed": {
      const min = num(rule, "minMachines", 1);
      return measured(f.kpiMachines >= min, "state-or-counter-unmapped", {
        machines: f.kpiMachines,
        minMachines: min,
      });
    }
    case "energy": {
      if (f.energySignal) return measured(true, "", { energySignal: true });
      const v = d ? parseDeclared("energy", d.value) : null;
      if (!d)
        return {
          ok: false,
          source: "none",
          reason: "no-energy-signal",
          detail: { energySignal: false },
          declaration: null,
        };
      return declared(v?.smartMeter === true, "no-smart-meter", d, { smartMeter: v?.smartMeter ?? false });
    }
    case "monthlyReport": {
      const v = d ? parseDeclared("monthlyReport", d.value) : null;
      const want = previousMonth(now);
      return declared(v !== null && v.month >= want, "last-month-not-reported", d, {
        month: v?.month ?? null,
        want,
      });
    }
    case "cloud": {
      const v = d ? parseDeclared("cloud", d.value) : null;
      const areas = v ? [v.infrastructure, v.management, v.business].filter(Boolean).length : 0;
      const min = num(rule, "minAreas", 1);
      return declared(areas >= min, "no-cloud-adoption", d, { areas, minAreas: min });
    }
    case "digitalLevel": {
      const v = d ? parseDeclared("digitalLevel", d.value) : null;
      const minGrade = num(rule, "minGrade", 2);
      const minLevel = num(rule, "minLevel", 2);
      const ok = v !== null && ((v.grade ?? 0) >= minGrade || (v.level ?? 0) >= minLevel);
      return declared(ok, "digital-level-too-low", d, { grade: v?.grade ?? null, level: v?.level ?? null });
    }
    default: {
      const never: never = item;
      throw new Error(`unknown enterprise item ${String(never)}`);
    }
  }
}

function finish<I extends CoverageItem>(rules: CoverageRuleItem[], checks: ItemResult<I>[]) {
  const total = rules.reduce((s, r) => s + r.weight, 0);
  const got = checks.reduce((s, c, i) => s + (c.ok ? (rules[i]?.weight ?? 0) : 0), 0);
  const missing = checks.filter((c) => c.required && !c.ok).map((c) => c.item);
  return { met: missing.length === 0, items: checks, missing, score: total > 0 ? got / total : 0 };
}

/**
 * Evaluate the enterprise checklist.
 * @example evaluateEnterprise(mergeWithDefaults(null), facts, new Date()).covered
 */
export function evaluateEnterprise(
  rules: CoverageRuleItem[],
  f: EnterpriseFacts,
  now: Date,
): EnterpriseCoverage {
  const own = rules.filter((r) => r.level === "enterprise");
  const checks = own.map((r) => ({
    item: r.item as EnterpriseItem,
    required: r.required,
    ...checkEnterpriseItem(r, f, now),
  }));
  const { met, ...rest } = finish(own, checks);
  return { covered: met, ...rest };
}

/** What the park checklist needs. */
export interface ParkFacts {
  enterprises: number;
  coveredEnterprises: number;
  /** Newest data from any machine of the park whose enterprise has a known industry, or null. */
  lastIndustryDataAt: Date | null;
  declarations: Partial<Record<ParkItem, Declaration>>;
}

export interface ParkCoverage {
  digitalized: boolean;
  items: ItemResult<ParkItem>[];
  missing: ParkItem[];
  score: number;
  enterpriseRatio: number | null;
}

function checkParkItem(rule: CoverageRuleItem, f: ParkFacts, now: Date): Check {
  const item = rule.item as ParkItem;
  const d = f.declarations[item];
  switch (item) {
    case "enterpriseCoverage": {
      const min = num(rule, "minRatio", 0.8);
      const ratio = f.enterprises > 0 ? f.coveredEnterprises / f.enterprises : null;
      return measured(
        ratio !== null && ratio >= min,
        ratio === null ? "no-enterprises" : "ratio-below-threshold",
        {
          covered: f.coveredEnterprises,
          total: f.enterprises,
          ratio,
          minRatio: min,
        },
      );
    }
    case "platformReporting": {
      const v = d ? parseDeclared("platformReporting", d.value) : null;
      const want = previousMonth(now);
      return declared(v !== null && v.month >= want, "last-month-not-reported", d, {
        month: v?.month ?? null,
        want,
      });
    }
    case "infrastructure": {
      const v = d ? parseDeclared("infrastructure", d.value) : null;
      const flags = { network: false, smartMeters: false, video: false, fireSafety: false, ...(v ?? {}) };
      const ok = Object.values(flags).every(Boolean);
      return declared(ok, "infrastructure-incomplete", d, flags);
    }
    case "brainConnection": {
      const within = num(rule, "withinHours", 24);
      const at = f.lastIndustryDataAt;
      const ageH = at ? (now.getTime() - at.getTime()) / HOUR : null;
      return measured(ageH !== null && ageH <= within, "no-industry-data", {
        ageHours: ageH,
        withinHours: within,
      });
    }
    default: {
      const never: never = item;
      throw new Error(`unknown park item ${String(never)}`);
    }
  }
}

/** Evaluate the park checklist from already evaluated enterprises. */
export function evaluatePark(rules: CoverageRuleItem[], f: ParkFacts, now: Date): ParkCoverage {
  const own = rules.filter((r) => r.level === "park");
  const checks = own.map((r) => ({
    item: r.item as ParkItem,
    required: r.required,
    ...checkParkItem(r, f, now),
  }));
  const { met, ...rest } = finish(own, checks);
  return {
    digitalized: met,
    ...rest,
    enterpriseRatio: f.enterprises > 0 ? f.coveredEnterprises / f.enterprises : null,
  };
}

/** Ratio with a 0 denominator → null (never 0 or NaN). */
export function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}
