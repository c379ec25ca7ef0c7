import { industryDivision } from "@weft/core";
import type { DbHandle } from "@weft/db/client";
import type { CoverageRuleItem } from "@weft/db/schema";
import { type SQL, sql } from "drizzle-orm";
import { connectedWindowOf } from "../machines/connected.ts";
import { loadRuleSet } from "./compute.ts";
import { evaluateEnterprise, evaluatePark } from "./evaluate.ts";
import { asDate, type CoverageScope, enterpriseFactsSql, loadDeclarations, loadParks } from "./facts.ts";
import { num, type ParkItem } from "./rules.ts";

/** One park of a city summary: what the overview and the parks table show, no enterprise rows. */
export interface ParkSummary {
  id: number;
  key: string;
  name: string;
  nameEn: string | null;
  enterprises: number;
  coveredEnterprises: number;
  declaredMachines: number;
  connectedMachines: number;
  lastDataAt: string | null;
  digitalized: boolean;
  missing: ParkItem[];
  enterpriseRatio: number | null;
  industriesOnboarded: string[];
}

/** A whole city's coverage, per park (kept in memory instead of the full report's 100,000 enterprises). */
export interface CitySummary {
  cityId: number;
  computedAt: string;
  parks: ParkSummary[];
}

export interface SummaryTotals {
  parks: number;
  parksDigitalized: number;
  enterprises: number;
  enterprisesCovered: number;
  industriesOnboarded: string[];
}

/** The totals of some parks: the same figures `computeCoverage` gives for a scope of whole parks. */
export function totalsOf(parks: readonly ParkSummary[]): SummaryTotals {
  const industries = new Set<string>();
  let digitalized = 0;
  let enterprises = 0;
  let covered = 0;
  for (const p of parks) {
    if (p.digitalized) digitalized++;
    enterprises += p.enterprises;
    covered += p.coveredEnterprises;
    for (const code of p.industriesOnboarded) industries.add(code);
  }
  return {
    parks: parks.length,
    parksDigitalized: digitalized,
    enterprises,
    enterprisesCovered: covered,
    industriesOnboarded: [...industries].sort(),
  };
}

const HOUR = 3_600_000;

/**
 * A necessary condition, in SQL over one enterprise's facts row `f`, for the enterprise to be
 * covered: the measured-only items the rule set requires (connectivity, live data, KPI feed), each
 * loosened a little so that it never excludes an enterprise the checklist would pass. Enterprises
 * outside it fail a required item; only the rest are evaluated one by one.
 */
function candidateSql(rules: readonly CoverageRuleItem[], now: Date): SQL {
  const required = (item: string) => rules.find((r) => r.item === item && r.required);
  const conds: SQL[] = [];
  const conn = required("connectivity");
  if (conn) {
    conds.push(
      num(conn, "minRatio", 0.5) > 0
        ? sql`f.declared_machines > 0 and f.connected > 0`
        : sql`f.declared_machines > 0`,
    );
  }
  const live = required("liveData");
  if (live) {
    const since = new Date(now.getTime() - num(live, "withinHours", 24) * HOUR - 60_000).toISOString();
    conds.push(sql`f.last_ts is not null and f.last_ts >= ${since}::timestamptz`);
  }
  const kpi = required("kpiFeed");
  if (kpi && num(kpi, "minMachines", 1) > 0) conds.push(sql`f.kpi > 0`);
  return conds.length === 0 ? sql`true` : sql.join(conds, sql` and `);
}

/** Whether every candidate has a machine (then only enterprises with machines need their facts). */
function candidatesNeedMachines(rules: readonly CoverageRuleItem[]): boolean {
  const required = (item: string) => rules.find((r) => r.item === item && r.required);
  const conn = required("connectivity");
  const kpi = required("kpiFeed");
  return (
    (conn !== undefined && num(conn, "minRatio", 0.5) > 0) ||
    required("liveData") !== undefined ||
    (kpi !== undefined && num(kpi, "minMachines", 1) > 0)
  );
}

interface GroupRow {
  park_id: number;
  industry_code: string;
  n: number | string;
  declared: number | string;
  connected: number | string;
  last_ts: unknown;
}

interface CandidateRow {
  id: number;
  park_id: number;
  credit_code: string;
  industry_code: string;
  above_scale: boolean;
  declared_machines: number;
  connected: number | string;
  kpi: number | string;
  energy: boolean | null;
  last_ts: unknown;
}

/**
 * A whole city's per-park coverage, set-wise: the database sums every park (enterprises, machines,
 * newest data per industry) and sends only the enterprises that may be covered, which are then
 * evaluated with the same checklist as `computeCoverage`. Same figures as `computeCoverage`'s parks
 * (the park-table test checks), without moving 100,000 enterprise rows into JavaScript.
 */
export async function computeCitySummary(h: DbHandle, cityId: number, now: Date): Promise<CitySummary> {
  const scope: CoverageScope = { cityId, parkIds: null, enterpriseIds: null };
  const rules = await loadRuleSet(h, cityId);
  const facts = enterpriseFactsSql(scope, now, connectedWindowOf(rules));
  const liveHours = num(
    rules.find((r) => r.item === "brainConnection"),
    "withinHours",
    24,
  );
  const [parks, groups, candidates, decl] = await Promise.all([
    loadParks(h, scope),
    h.query<GroupRow>(sql`
      select f.park_id, f.industry_code, count(*) as n, sum(f.declared_machines) as declared,
        sum(f.connected) as connected, max(f.last_ts) as last_ts
      from (${facts}) f group by f.park_id, f.industry_code`),
    h.query<CandidateRow>(sql`
      select f.id, f.park_id, f.credit_code, f.industry_code, f.above_scale, f.declared_machines,
        f.connected, f.kpi, f.energy, f.last_ts
      from (${
        candidatesNeedMachines(rules)
          ? enterpriseFactsSql(
              scope,
              now,
              connectedWindowOf(rules),
              sql`exists (select 1 from machines x where x.enterprise_id = e.id)`,
            )
          : facts
      }) f where ${candidateSql(rules, now)}`),
    loadDeclarations(h, scope),
  ]);
  const perPark = new Map<
    number,
    {
      enterprises: number;
      covered: number;
      declared: number;
      connected: number;
      last: Date | null;
      lastIndustry: Date | null;
      industries: Set<string>;
    }
  >();
  const parkOf = (id: number) => {
    let p = perPark.get(id);
    if (!p) {
      p = {
        enterprises: 0,
        covered: 0,
        declared: 0,
        connected: 0,
        last: null,
        lastIndustry: null,
        industries: new Set(),
      };
      perPark.set(id, p);
    }
    return p;
  };
  for (const g of groups) {
    const p = parkOf(Number(g.park_id));
    p.enterprises += Number(g.n);
    p.declared += Number(g.declared);
    p.connected += Number(g.connected);
    const at = asDate(g.last_ts);
    if (!at) continue;
    if (!p.last || at > p.last) p.last = at;
    const div = industryDivision(g.industry_code);
    if (!div) continue;
    if (!p.lastIndustry || at > p.lastIndustry) p.lastIndustry = at;
    if (now.getTime() - at.getTime() <= liveHours * HOUR) p.industries.add(div.code);
  }
  for (const c of candidates) {
    const id = Number(c.id);
    const coverage = evaluateEnterprise(
      rules,
      {
        creditCode: c.credit_code,
        industryCode: c.industry_code,
        aboveScale: c.above_scale,
        declaredMachines: Number(c.declared_machines),
        connectedMachines: Number(c.connected),
        lastDataAt: asDate(c.last_ts),
        kpiMachines: Number(c.kpi),
        energySignal: c.energy === true,
        declarations: decl.enterprise.get(id) ?? {},
      },
      now,
    );
    if (coverage.covered) parkOf(Number(c.park_id)).covered++;
  }
  return {
    cityId,
    computedAt: now.toISOString(),
    parks: parks.map((park) => {
      const p = parkOf(park.id);
      const coverage = evaluatePark(
        rules,
        {
          enterprises: p.enterprises,
          coveredEnterprises: p.covered,
          lastIndustryDataAt: p.lastIndustry,
          declarations: decl.park.get(park.id) ?? {},
        },
        now,
      );
      return {
        ...park,
        enterprises: p.enterprises,
        coveredEnterprises: p.covered,
        declaredMachines: p.declared,
        connectedMachines: p.connected,
        lastDataAt: p.last?.toISOString() ?? null,
        digitalized: coverage.digitalized,
        missing: coverage.missing,
        enterpriseRatio: coverage.enterpriseRatio,
        industriesOnboarded: [...p.industries].sort(),
      };
    }),
  };
}

interface Entry {
  startedAt: number;
  settled: boolean;
  promise: Promise<unknown>;
}

const caches = new WeakMap<DbHandle, Map<string, Entry>>();

/**
 * `compute()` at most once per `ttlMs` per process, database and `key` (single-flight: concurrent
 * callers share one computation; a failure is not kept). Every user mutation drops the cache (see
 * trpc.ts). `ttlMs` 0 computes on every call (concurrent calls still share).
 */
export function memoized<T>(
  h: DbHandle,
  key: string,
  now: number,
  ttlMs: number,
  compute: () => Promise<T>,
): Promise<T> {
  let cache = caches.get(h);
  if (!cache) {
    cache = new Map();
    caches.set(h, cache);
  }
  const hit = cache.get(key);
  if (hit && (!hit.settled || now - hit.startedAt < ttlMs)) return hit.promise as Promise<T>;
  // Expired entries go when a new one comes, so keys of past days do not pile up.
  for (const [k, e] of cache) if (e.settled && now - e.startedAt >= ttlMs) cache.delete(k);
  const promise = compute();
  const entry: Entry = { startedAt: now, settled: false, promise };
  const map = cache;
  promise.then(
    () => {
      entry.settled = true;
    },
    () => {
      if (map.get(key) === entry) map.delete(key);
    },
  );
  map.set(key, entry);
  return promise;
}

/**
 * A city's summary, computed at most once per `ttlMs` (see `memoized`): declarations, rule sets and
 * imports show at once, live data within `ttlMs`, and the answer carries `computedAt`.
 */
export function citySummary(h: DbHandle, cityId: number, now: number, ttlMs: number): Promise<CitySummary> {
  return memoized(h, `summary:${cityId}`, now, ttlMs, () => computeCitySummary(h, cityId, new Date(now)));
}

/** Forget everything cached for this database (after a write). */
export function invalidateCitySummaries(h: DbHandle): void {
  caches.get(h)?.clear();
}

export const PARK_SORTS = ["coverage", "name", "enterprises", "machines", "freshness"] as const;
export type ParkSort = (typeof PARK_SORTS)[number];

export interface ParkPageQuery {
  page: number;
  pageSize: number;
  sort: ParkSort;
  dir: "asc" | "desc";
  q?: string | undefined;
  locale?: "zh-CN" | "en";
}

function nameIn(locale: string, p: ParkSummary): string {
  return locale === "en" ? (p.nameEn ?? p.name) : p.name;
}

function compareBy(sort: ParkSort, locale: string): (a: ParkSummary, b: ParkSummary) => number {
  const collator = new Intl.Collator(locale, { numeric: true });
  switch (sort) {
    case "coverage":
      return (a, b) => (a.enterpriseRatio ?? -1) - (b.enterpriseRatio ?? -1);
    case "name":
      return (a, b) => collator.compare(nameIn(locale, a), nameIn(locale, b));
    case "enterprises":
      return (a, b) => a.enterprises - b.enterprises;
    case "machines":
      return (a, b) => a.connectedMachines - b.connectedMachines;
    case "freshness":
      return (a, b) => (a.lastDataAt ?? "").localeCompare(b.lastDataAt ?? "");
  }
}

/** One page of parks, filtered by `q` (name, English name or key, case-insensitive), sorted, ties by id. */
export function pageParks(
  parks: readonly ParkSummary[],
  query: ParkPageQuery,
): { rows: ParkSummary[]; total: number } {
  const needle = query.q?.trim().toLocaleLowerCase() ?? "";
  const found = needle
    ? parks.filter(
        (p) =>
          p.name.toLocaleLowerCase().includes(needle) ||
          (p.nameEn ?? "").toLocaleLowerCase().includes(needle) ||
          p.key.toLocaleLowerCase().includes(needle),
      )
    : [...parks];
  const cmp = compareBy(query.sort, query.locale ?? "zh-CN");
  const sign = query.dir === "desc" ? -1 : 1;
  found.sort((a, b) => sign * cmp(a, b) || a.id - b.id);
  const from = (query.page - 1) * query.pageSize;
  return { rows: found.slice(from, from + query.pageSize), total: found.length };
}
