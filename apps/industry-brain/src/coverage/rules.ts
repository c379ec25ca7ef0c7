import type { CoverageRuleItem } from "@weft/db/schema";
import { z } from "zod";

/** Enterprise checklist items (docs/domain/coverage.md). */
export const ENTERPRISE_ITEMS = [
  "identity",
  "connectivity",
  "liveData",
  "kpiFeed",
  "energy",
  "monthlyReport",
  "cloud",
  "digitalLevel",
] as const;
export type EnterpriseItem = (typeof ENTERPRISE_ITEMS)[number];

/** Park checklist items. */
export const PARK_ITEMS = [
  "enterpriseCoverage",
  "platformReporting",
  "infrastructure",
  "brainConnection",
] as const;
export type ParkItem = (typeof PARK_ITEMS)[number];

export type CoverageItem = EnterpriseItem | ParkItem;
export type ItemKind = CoverageRuleItem["kind"];

/** Items a person can declare (the rest are measured only). */
export const DECLARABLE_ITEMS = [
  "energy",
  "monthlyReport",
  "cloud",
  "digitalLevel",
  "platformReporting",
  "infrastructure",
] as const;
export type DeclarableItem = (typeof DECLARABLE_ITEMS)[number];

export function isDeclarable(item: string): item is DeclarableItem {
  return (DECLARABLE_ITEMS as readonly string[]).includes(item);
}

/** The rule set every city starts with; a city admin may change `required`, `weight` and thresholds. */
export const DEFAULT_RULE_SET: readonly CoverageRuleItem[] = [
  { item: "identity", level: "enterprise", kind: "declared", required: true, weight: 1 },
  {
    item: "connectivity",
    level: "enterprise",
    kind: "measured",
    required: true,
    weight: 1,
    threshold: { minRatio: 0.5, connectedWithinHours: 168 },
  },
  {
    item: "liveData",
    level: "enterprise",
    kind: "measured",
    required: true,
    weight: 1,
    threshold: { withinHours: 24 },
  },
  {
    item: "kpiFeed",
    level: "enterprise",
    kind: "measured",
    required: true,
    weight: 1,
    threshold: { minMachines: 1 },
  },
  { item: "energy", level: "enterprise", kind: "measured-or-declared", required: false, weight: 1 },
  { item: "monthlyReport", level: "enterprise", kind: "declared", required: false, weight: 1 },
  {
    item: "cloud",
    level: "enterprise",
    kind: "declared",
    required: false,
    weight: 1,
    threshold: { minAreas: 1 },
  },
  {
    item: "digitalLevel",
    level: "enterprise",
    kind: "declared",
    required: false,
    weight: 1,
    threshold: { minGrade: 2, minLevel: 2 },
  },
  {
    item: "enterpriseCoverage",
    level: "park",
    kind: "measured",
    required: true,
    weight: 1,
    threshold: { minRatio: 0.8 },
  },
  { item: "platformReporting", level: "park", kind: "declared", required: false, weight: 1 },
  { item: "infrastructure", level: "park", kind: "declared", required: false, weight: 1 },
  {
    item: "brainConnection",
    level: "park",
    kind: "measured",
    required: true,
    weight: 1,
    threshold: { withinHours: 24 },
  },
];

const KIND_OF: Record<CoverageItem, ItemKind> = Object.fromEntries(
  DEFAULT_RULE_SET.map((r) => [r.item, r.kind]),
) as Record<CoverageItem, ItemKind>;

const RuleItemInput = z.object({
  item: z.enum([...ENTERPRISE_ITEMS, ...PARK_ITEMS]),
  required: z.boolean(),
  weight: z.number().min(0).max(100),
  threshold: z.record(z.string(), z.union([z.number().finite(), z.string(), z.boolean()])).optional(),
});

/** Input of `coverage.ruleSet.update`: every item of the checklist, once. */
export const RuleSetInput = z.array(RuleItemInput).superRefine((items, ctx) => {
  const seen = new Set<string>();
  for (const [i, r] of items.entries()) {
    if (seen.has(r.item))
      ctx.addIssue({ code: "custom", path: [i, "item"], message: `duplicate item ${r.item}` });
    seen.add(r.item);
    const ratio = r.threshold?.minRatio;
    if (ratio !== undefined && (typeof ratio !== "number" || ratio < 0 || ratio > 1)) {
      ctx.addIssue({
        code: "custom",
        path: [i, "threshold", "minRatio"],
        message: "minRatio is between 0 and 1",
      });
    }
  }
});
export type RuleSetInput = z.infer<typeof RuleSetInput>;

/** Turn a validated input into stored rule items (kind and level are fixed per item, never user-set). */
export function normalizeRuleSet(input: RuleSetInput): CoverageRuleItem[] {
  return mergeWithDefaults(
    input.map((r) => ({
      item: r.item,
      level: (ENTERPRISE_ITEMS as readonly string[]).includes(r.item) ? "enterprise" : "park",
      kind: KIND_OF[r.item],
      required: r.required,
      weight: r.weight,
      ...(r.threshold ? { threshold: r.threshold } : {}),
    })),
  );
}

/** A stored rule set completed with defaults for items it lacks, in checklist order. */
export function mergeWithDefaults(
  stored: readonly CoverageRuleItem[] | null | undefined,
): CoverageRuleItem[] {
  const byItem = new Map((stored ?? []).map((r) => [r.item, r]));
  return DEFAULT_RULE_SET.map((d) => {
    const s = byItem.get(d.item);
    if (!s) return { ...d, ...(d.threshold ? { threshold: { ...d.threshold } } : {}) };
    return {
      ...d,
      required: s.required,
      weight: s.weight,
      threshold: { ...(d.threshold ?? {}), ...(s.threshold ?? {}) },
    };
  });
}

/** A numeric threshold of a rule, falling back to `fallback`. */
export function num(rule: CoverageRuleItem | undefined, key: string, fallback: number): number {
  const v = rule?.threshold?.[key];
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}
