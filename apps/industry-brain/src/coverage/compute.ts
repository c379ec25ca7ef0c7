import { industryDivision } from "@weft/core";
import type { DbHandle } from "@weft/db/client";
import type { CoverageRuleItem } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { connectedWindowOf } from "../machines/connected.ts";
import { type EnterpriseCoverage, evaluateEnterprise, evaluatePark, type ParkCoverage } from "./evaluate.ts";
import {
  type CoverageScope,
  type EnterpriseRow,
  loadDeclarations,
  loadEnterpriseFacts,
  loadParks,
  type ParkRow,
} from "./facts.ts";
import { mergeWithDefaults, num } from "./rules.ts";

export interface EnterpriseReport extends EnterpriseRow {
  coverage: EnterpriseCoverage;
  connectedMachines: number;
  lastDataAt: string | null;
  industryName: { zh: string; en: string } | null;
}

export interface ParkReport extends ParkRow {
  coverage: ParkCoverage;
  enterprises: number;
  coveredEnterprises: number;
  declaredMachines: number;
  connectedMachines: number;
  lastDataAt: string | null;
  /** GB/T 4754 divisions of this park whose data flows into the brain (live within the window). */
  industriesOnboarded: string[];
}

export interface CoverageReport {
  computedAt: string;
  rules: CoverageRuleItem[];
  parks: ParkReport[];
  enterprises: EnterpriseReport[];
  totals: {
    parks: number;
    parksDigitalized: number;
    enterprises: number;
    enterprisesCovered: number;
    /** GB/T 4754 divisions whose data flows into the brain (live data within the window). */
    industriesOnboarded: string[];
  };
}

/** The city's rule set, completed with defaults. */
export async function loadRuleSet(h: DbHandle, cityId: number): Promise<CoverageRuleItem[]> {
  const rows = await h.query<{ items: unknown }>(
    sql`select items from coverage_rule_sets where city_id = ${cityId}`,
  );
  const items = rows[0]?.items;
  const parsed =
    typeof items === "string"
      ? (JSON.parse(items) as CoverageRuleItem[])
      : (items as CoverageRuleItem[] | undefined);
  return mergeWithDefaults(parsed ?? null);
}

/**
 * Evaluate the checklists for a scope from live brain data.
 * @example const r = await computeCoverage(handle, { cityId: 1, parkIds: null, enterpriseIds: null }, new Date());
 */
export async function computeCoverage(h: DbHandle, scope: CoverageScope, now: Date): Promise<CoverageReport> {
  const rules = await loadRuleSet(h, scope.cityId);
  const window = connectedWindowOf(rules);
  const liveHours = num(
    rules.find((r) => r.item === "brainConnection"),
    "withinHours",
    24,
  );
  const [parks, { rows, facts }, decl] = await Promise.all([
    loadParks(h, scope),
    loadEnterpriseFacts(h, scope, now, window),
    loadDeclarations(h, scope),
  ]);
  const enterprises: EnterpriseReport[] = rows.map((row) => {
    const f = facts.get(row.id);
    const full = {
      creditCode: row.creditCode,
      industryCode: row.industryCode,
      aboveScale: row.aboveScale,
      declaredMachines: row.declaredMachines,
      connectedMachines: 0,
      lastDataAt: null,
      kpiMachines: 0,
      energySignal: false,
      ...f,
      declarations: decl.enterprise.get(row.id) ?? {},
    };
    const div = industryDivision(row.industryCode);
    return {
      ...row,
      coverage: evaluateEnterprise(rules, full, now),
      connectedMachines: full.connectedMachines,
      lastDataAt: full.lastDataAt?.toISOString() ?? null,
      industryName: div ? { zh: div.zh, en: div.en } : null,
    };
  });
  const byPark = new Map<number, EnterpriseReport[]>();
  for (const e of enterprises) {
    const list = byPark.get(e.parkId);
    if (list) list.push(e);
    else byPark.set(e.parkId, [e]);
  }
  const onboarded = new Set<string>();
  const parkReports: ParkReport[] = parks.map((p) => {
    const list = byPark.get(p.id) ?? [];
    let last: Date | null = null;
    let lastIndustry: Date | null = null;
    const mine = new Set<string>();
    for (const e of list) {
      const at = e.lastDataAt ? new Date(e.lastDataAt) : null;
      if (!at) continue;
      if (!last || at > last) last = at;
      const div = industryDivision(e.industryCode);
      if (div && (!lastIndustry || at > lastIndustry)) lastIndustry = at;
      if (div && now.getTime() - at.getTime() <= liveHours * 3_600_000) mine.add(div.code);
    }
    for (const code of mine) onboarded.add(code);
    const covered = list.filter((e) => e.coverage.covered).length;
    const coverage = evaluatePark(
      rules,
      {
        enterprises: list.length,
        coveredEnterprises: covered,
        lastIndustryDataAt: lastIndustry,
        declarations: decl.park.get(p.id) ?? {},
      },
      now,
    );
    return {
      ...p,
      coverage,
      enterprises: list.length,
      coveredEnterprises: covered,
      declaredMachines: list.reduce((s, e) => s + e.declaredMachines, 0),
      connectedMachines: list.reduce((s, e) => s + e.connectedMachines, 0),
      lastDataAt: last?.toISOString() ?? null,
      industriesOnboarded: [...mine].sort(),
    };
  });
  return {
    computedAt: now.toISOString(),
    rules,
    parks: parkReports,
    enterprises,
    totals: {
      parks: parkReports.length,
      parksDigitalized: parkReports.filter((p) => p.coverage.digitalized).length,
      enterprises: enterprises.length,
      enterprisesCovered: enterprises.filter((e) => e.coverage.covered).length,
      industriesOnboarded: [...onboarded].sort(),
    },
  };
}
