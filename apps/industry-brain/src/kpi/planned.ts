import { type DbHandle, queryRows } from "@weft/db";
import { type Elements, type Kpis, plannedBusyWindows, type ShiftCalendar } from "@weft/kpi";
import { type SQL, sql } from "drizzle-orm";
import { planGroupsOf } from "./calendars.ts";
import {
  type CoarseScope,
  elapsedEnd,
  evaluate,
  mergeByTag,
  type PlanGroup,
  ROLLUP_COLUMNS,
  type SumPer,
  sumSets,
  type TaggedWindow,
  type Totals,
  toTotals,
  type WindowSet,
} from "./query.ts";

/**
 * A key of a scope as {@link plannedSums} counts it: an enterprise (or a machine), its zone, its machines
 * in scope (`n`) and, for an enterprise, all of its machines (`total`).
 */
export interface ScopeEnterprise {
  key: unknown;
  enterprise_id: unknown;
  time_zone: string;
  n: unknown;
  total?: unknown;
}

/** One key of a {@link Planned} scope: an enterprise or a machine, its machines and the calendar planning them. */
export interface PlannedKey {
  enterpriseId: number;
  machines: number;
  group: PlanGroup;
}

/**
 * Rollup sums of a scope's machines per key (enterprise or machine) and tagged window, ready to be
 * evaluated for any set of keys with {@link evaluatePlanned}: THE definition of a KPI over a scope that
 * `industries.summary` and `rankings.list` share, as `kpi.oee` computes it:
 * - every machine in scope counts, with data or not (one that never sent any is planned, and its
 *   planned time is offline: no APT), whether or not it is a production machine;
 * - planned time (POT, PDOT) follows each enterprise's shift calendar, or the default one in the
 *   enterprise's zone;
 * - state time counts only inside the planned busy windows (`inside`), quantities over the whole window
 *   (`all`);
 * - a window reaching past `now` counts only its elapsed part.
 */
export interface Planned {
  now: number;
  groups: PlanGroup[];
  /** Every key in scope, with data or not. */
  keys: Map<number, PlannedKey>;
  /** Per tag and key: the sums over the whole window. */
  all: Map<number, Map<number, Totals>>;
  /** Per tag and key: the sums inside the planned busy windows of the elapsed part of the window. */
  inside: Map<number, Map<number, Totals>>;
}

/** Whether the calendar's busy time is all of [from, to) (round-the-clock, no breaks). */
function coversAll(calendar: ShiftCalendar, from: number, to: number): boolean {
  const w = plannedBusyWindows(calendar, { start: from, end: to });
  return w.length === 1 && w[0]?.start === from && w[0]?.end === to;
}

/**
 * Sum the rollups of `machineIds` over tagged windows (in epoch ms, minute-aligned) per enterprise or per
 * machine, both over the whole windows and inside each enterprise's planned busy time: one statement per
 * rollup table for everything, whatever the number of calendars, enterprises and windows.
 */
export async function plannedSums(
  handle: DbHandle,
  machineIds: SQL,
  windows: readonly TaggedWindow[],
  timeZone: string,
  now: number,
  per: SumPer,
  /** The scope's enterprises, already counted by the caller (per "enterprise" only): saves a scan of its machines. */
  counted?: readonly ScopeEnterprise[],
): Promise<Planned> {
  const rows: readonly ScopeEnterprise[] =
    per === "enterprise" && counted
      ? counted
      : await queryRows<ScopeEnterprise>(
          handle.db,
          per === "machine"
            ? sql`select m.id as key, m.enterprise_id, e.time_zone, 1 as n from machines m
            join enterprises e on e.id = m.enterprise_id where m.id in ${machineIds}`
            : sql`select m.enterprise_id as key, m.enterprise_id, e.time_zone, count(*) as n,
              (select count(*) from machines a where a.enterprise_id = m.enterprise_id) as total
            from machines m join enterprises e on e.id = m.enterprise_id where m.id in ${machineIds} group by 1, 2, 3`,
        );
  const ofEnterprise = new Map<number, { enterpriseId: number; timeZone: string; machines: number }>();
  for (const r of rows) {
    const id = Number(r.enterprise_id);
    const e = ofEnterprise.get(id) ?? { enterpriseId: id, timeZone: r.time_zone, machines: 0 };
    e.machines += Number(r.n);
    ofEnterprise.set(id, e);
  }
  const groups = await planGroupsOf({ handle }, [...ofEnterprise.values()]);
  const groupOf = new Map<number, PlanGroup>();
  for (const g of groups) for (const id of g.enterpriseIds) groupOf.set(id, g);
  const keys = new Map<number, PlannedKey>();
  for (const r of rows) {
    const enterpriseId = Number(r.enterprise_id);
    const group = groupOf.get(enterpriseId);
    if (group) keys.set(Number(r.key), { enterpriseId, machines: Number(r.n), group });
  }
  // A window that has fully elapsed and that a round-the-clock calendar plans whole: its sums inside
  // the busy time are its sums, so that group needs no second pass over the rollups for it.
  const whole = new Map<PlanGroup, Set<number>>();
  const sets: WindowSet[] = [{ windows }];
  for (const g of groups) {
    const cal = g.calendar;
    if (!cal) continue;
    const wholeTags = new Set<number>();
    const busy: TaggedWindow[] = [];
    for (const w of windows) {
      const end = elapsedEnd(w.start, w.end, now);
      if (end === w.end && coversAll(cal, w.start, w.end)) wholeTags.add(w.tag);
      else busy.push(...plannedBusyWindows(cal, { start: w.start, end }).map((b) => ({ tag: w.tag, ...b })));
    }
    whole.set(g, wholeTags);
    if (busy.length > 0) sets.push({ windows: busy, enterpriseIds: g.enterpriseIds });
  }
  const [all = new Map(), ...parts] = await sumSets(
    handle,
    machineIds,
    sets,
    timeZone,
    per,
    per === "enterprise" ? coarseScope(rows, timeZone) : null,
  );
  const inside = mergeByTag(parts);
  for (const [k, key] of keys) {
    for (const tag of whole.get(key.group) ?? []) {
      const t = all.get(tag)?.get(k);
      if (!t) continue;
      const o = inside.get(tag) ?? new Map<number, Totals>();
      o.set(k, t);
      inside.set(tag, o);
    }
  }
  return { now, groups, keys, all, inside };
}

/**
 * Which enterprises of the scope may be read from their enterprise rollups: those with every machine in
 * scope (an enterprise row sums all of its machines), and whole months only when each of them keeps its
 * days in the zone the range is cut in (a month row holds the enterprise's local month).
 */
export function coarseScope(rows: readonly ScopeEnterprise[], timeZone: string): CoarseScope {
  const whole: number[] = [];
  const partial: number[] = [];
  let months = true;
  for (const r of rows) {
    if (Number(r.n) === Number(r.total)) {
      whole.push(Number(r.enterprise_id));
      if (r.time_zone !== timeZone) months = false;
    } else partial.push(Number(r.enterprise_id));
  }
  return { whole, partial, months };
}

function addInto(a: Totals, b: Totals | undefined): void {
  if (b) for (const c of ROLLUP_COLUMNS) a[c] += b[c];
}

/**
 * Elements and KPIs of some keys of a {@link Planned} scope over [from, to), the window tagged `tag` (or
 * the windows tagged `tag`, which together are [from, to): a range as the sum of its days): sum
 * the elements of the keys, plan their machines by their calendars, then divide (ISO 22400). Only the
 * elapsed part of the window (up to `now`) is planned time. Keys not in scope are ignored.
 */
export function evaluatePlanned(
  planned: Planned,
  keys: Iterable<number>,
  tag: number | readonly number[],
  from: number,
  to: number,
): { machines: number; elements: Elements; kpis: Kpis } {
  const all = toTotals(undefined);
  const inside = toTotals(undefined);
  const byGroup = new Map<PlanGroup, number>();
  let machines = 0;
  const tags = typeof tag === "number" ? [tag] : tag;
  const allOf = tags.map((t) => planned.all.get(t));
  const insideOf = tags.map((t) => planned.inside.get(t));
  for (const k of keys) {
    const key = planned.keys.get(k);
    if (!key) continue;
    machines += key.machines;
    byGroup.set(key.group, (byGroup.get(key.group) ?? 0) + key.machines);
    for (const m of allOf) addInto(all, m?.get(k));
    for (const m of insideOf) addInto(inside, m?.get(k));
  }
  const plan = [...byGroup].map(([g, n]) => ({
    calendar: g.calendar,
    machines: n,
    isDefault: g.isDefault ?? false,
  }));
  const end = elapsedEnd(from, to, planned.now);
  return { machines, ...evaluate(all, from, end, machines, plan, inside) };
}
