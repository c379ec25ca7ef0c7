import type { DbHandle } from "@weft/db/client";
import { type CoverageReport, computeCoverage } from "./compute.ts";
import type { ParkItem } from "./rules.ts";

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

/** The per-park part of a full report. */
export function summarize(cityId: number, r: CoverageReport): CitySummary {
  return {
    cityId,
    computedAt: r.computedAt,
    parks: r.parks.map((p) => ({
      id: p.id,
      key: p.key,
      name: p.name,
      nameEn: p.nameEn,
      enterprises: p.enterprises,
      coveredEnterprises: p.coveredEnterprises,
      declaredMachines: p.declaredMachines,
      connectedMachines: p.connectedMachines,
      lastDataAt: p.lastDataAt,
      digitalized: p.coverage.digitalized,
      missing: p.coverage.missing,
      enterpriseRatio: p.coverage.enterpriseRatio,
      industriesOnboarded: p.industriesOnboarded,
    })),
  };
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

interface Entry {
  startedAt: number;
  settled: boolean;
  promise: Promise<CitySummary>;
}

const caches = new WeakMap<DbHandle, Map<number, Entry>>();

/**
 * A city's summary, computed at most once per `ttlMs` per process and database (single-flight:
 * concurrent callers share one computation). Every user mutation drops the cache (see trpc.ts), so
 * declarations, rule sets and imports show at once; live data shows within `ttlMs`, and the answer
 * carries `computedAt`. `ttlMs` 0 computes on every call (concurrent calls still share).
 */
export function citySummary(h: DbHandle, cityId: number, now: number, ttlMs: number): Promise<CitySummary> {
  let cache = caches.get(h);
  if (!cache) {
    cache = new Map();
    caches.set(h, cache);
  }
  const hit = cache.get(cityId);
  if (hit && (!hit.settled || now - hit.startedAt < ttlMs)) return hit.promise;
  const entry: Entry = {
    startedAt: now,
    settled: false,
    promise: computeCoverage(h, { cityId, parkIds: null, enterpriseIds: null }, new Date(now)).then((r) =>
      summarize(cityId, r),
    ),
  };
  const map = cache;
  entry.promise.then(
    () => {
      entry.settled = true;
    },
    () => {
      if (map.get(cityId) === entry) map.delete(cityId);
    },
  );
  map.set(cityId, entry);
  return entry.promise;
}

/** Forget every cached city summary of this database (after a write). */
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
