import { WeftError } from "@weft/core";
import { type DbHandle, pgArray, queryRows, toDate } from "@weft/db";
import {
  BUCKET_FIELDS,
  type Bucket,
  type Elements,
  elementsFromBuckets,
  emptyBucket,
  type Kpis,
  kpisFromElements,
  localDayStart,
  localHourStart,
  localMonthStart,
  plannedBusyWindows,
  plannedTime,
  type ShiftCalendar,
  shiftsIn,
} from "@weft/kpi";
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";

export const BUCKETS = ["minute", "hour", "day", "shift"] as const;
export const BucketKind = z.enum(BUCKETS);
export type BucketKind = z.infer<typeof BucketKind>;

/** A half-open range [from, to) in epoch ms. */
export const TimeRangeInput = z.object({
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
});
export type TimeRangeInput = z.infer<typeof TimeRangeInput>;

/** At most this many points in one series. */
export const MAX_POINTS = 10_000;
const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOMINAL_MS: Record<BucketKind, number> = {
  minute: MINUTE,
  hour: HOUR,
  day: 24 * HOUR,
  shift: 12 * HOUR,
};
/** Default shifts when no calendar is configured: 白班 08:00-20:00 and 夜班 20:00-08:00 local time. */
export const DEFAULT_SHIFT_STARTS_H = [8, 20] as const;

/** RANGE_INVALID for an empty or reversed range, or a bucket too fine for it. */
export function checkRange(range: TimeRangeInput, bucket: BucketKind | null): void {
  if (range.to <= range.from) {
    throw new WeftError("RANGE_INVALID", "the range ends before it starts", {
      field: "range.to",
      fix: "give `to` after `from`",
    });
  }
  if (bucket) {
    const points = Math.ceil((range.to - range.from) / NOMINAL_MS[bucket]);
    if (points > MAX_POINTS) {
      throw new WeftError(
        "RANGE_INVALID",
        `bucket "${bucket}" gives ${points} points over this range (at most ${MAX_POINTS})`,
        {
          field: "bucket",
          fix: "use a coarser bucket or a shorter range",
        },
      );
    }
  }
}

export type Totals = Omit<Bucket, "start">;

/** The summed columns of every rollup table, named as `Bucket`'s fields. */
export const ROLLUP_COLUMNS = BUCKET_FIELDS;

const SUMS = sql.raw(ROLLUP_COLUMNS.map((c) => `coalesce(sum(${c}), 0)::float8 as ${c}`).join(", "));

/** Totals from a row of summed columns (missing → 0). */
export function toTotals(r: Record<string, unknown> | undefined): Totals {
  const { start: _start, ...t } = emptyBucket(0);
  for (const c of ROLLUP_COLUMNS) t[c] = Number(r?.[c] ?? 0);
  return t;
}

type Table = "machine_minute_rollups" | "machine_hourly_rollups" | "machine_daily_rollups";
interface Segment {
  table: Table;
  from: number;
  to: number;
  /** Whole local months (of `machine_daily_rollups`'s days): an enterprise's monthly rollups may answer them. */
  month?: boolean;
  /** -1: days to subtract from the month segment that holds them (only with `months`). */
  sign?: -1;
}

/**
 * Cover [from, to) with the coarsest rollups that fit: whole local days from the daily rollups,
 * whole hours from the hourly ones, and minutes at the edges. With `months`, the whole local months
 * among the days are segments of their own (`month: true`), for the enterprises' monthly rollups, and a
 * partial month at an edge may be the whole month less its days outside the range (`sign: -1`).
 */
export function segmentsFor(
  from: number,
  to: number,
  timeZone: string,
  months = false,
): { segments: Segment[]; from: number; to: number } {
  const fm = Math.floor(from / MINUTE) * MINUTE;
  const tm = Math.ceil(to / MINUTE) * MINUTE;
  const segs: Segment[] = [];
  const push = (table: Table, a: number, b: number, month = false, sign: 1 | -1 = 1): void => {
    if (b > a)
      segs.push({
        table,
        from: a,
        to: b,
        ...(month ? { month } : {}),
        ...(sign < 0 ? { sign: -1 as const } : {}),
      });
  };
  let h1 = localHourStart(fm, timeZone);
  if (h1 < fm) h1 += HOUR;
  const h2 = localHourStart(tm, timeZone);
  if (h1 >= h2) {
    push("machine_minute_rollups", fm, tm);
    return { segments: segs, from: fm, to: tm };
  }
  let d1 = localDayStart(h1, timeZone);
  if (d1 < h1) d1 = localDayStart(d1 + 36 * HOUR, timeZone);
  const d2 = localDayStart(h2, timeZone);
  push("machine_minute_rollups", fm, h1);
  if (d1 >= d2) push("machine_hourly_rollups", h1, h2);
  else {
    push("machine_hourly_rollups", h1, d1);
    // Fewer than 28 days hold no whole month (a year of calendar windows is thousands of short ones).
    const monthly = months && d2 - d1 >= 28 * DAY;
    let m1 = monthly ? localMonthStart(d1, timeZone) : d2;
    if (m1 < d1) m1 = localMonthStart(m1 + 32 * DAY, timeZone);
    const m2 = monthly ? localMonthStart(d2, timeZone) : d2;
    if (!monthly || m1 >= m2) push("machine_daily_rollups", d1, d2);
    else {
      // A partial month at an edge is its days, or, when fewer of its days lie outside the range, the
      // whole month less those days (a month row is the sum of its days, so both are the same sums).
      const m0 = localMonthStart(d1, timeZone);
      if (d1 > m0 && d1 - m0 < m1 - d1) {
        push("machine_daily_rollups", m0, m1, true);
        push("machine_daily_rollups", m0, d1, false, -1);
      } else push("machine_daily_rollups", d1, m1);
      push("machine_daily_rollups", m1, m2, true);
      const m3 = localMonthStart(m2 + 32 * DAY, timeZone);
      if (d2 > m2 && m3 - d2 < d2 - m2) {
        push("machine_daily_rollups", m2, m3, true);
        push("machine_daily_rollups", d2, m3, false, -1);
      } else push("machine_daily_rollups", m2, d2);
    }
    push("machine_hourly_rollups", d2, h2);
  }
  push("machine_minute_rollups", h2, tm);
  return { segments: segs, from: fm, to: tm };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Summed rollup fields of the machines in `machineIds` over [from, to). */
export async function sumRange(
  handle: DbHandle,
  machineIds: SQL,
  range: TimeRangeInput,
  timeZone: string,
): Promise<{ totals: Totals; from: number; to: number }> {
  const { segments, from, to } = segmentsFor(range.from, range.to, timeZone);
  const parts = segments.map(
    (s) =>
      sql`select ${SUMS} from ${sql.raw(s.table)} where machine_id in ${machineIds}
          and bucket >= ${iso(s.from)}::timestamptz and bucket < ${iso(s.to)}::timestamptz`,
  );
  if (parts.length === 0) return { totals: toTotals(undefined), from, to };
  const rows = await queryRows<Record<string, unknown>>(
    handle.db,
    sql`select ${SUMS} from (${sql.join(parts, sql` union all `)}) s`,
  );
  return { totals: toTotals(rows[0]), from, to };
}

/** Bucket starts of a series over [from, to) (default shifts when `bucket` is "shift"). */
export function bucketStarts(bucket: BucketKind, from: number, to: number, timeZone: string): number[] {
  const out: number[] = [];
  if (bucket === "minute") {
    for (let t = Math.floor(from / MINUTE) * MINUTE; t < to; t += MINUTE) out.push(t);
  } else if (bucket === "hour") {
    for (let t = localHourStart(from, timeZone); t < to; t += HOUR) out.push(t);
  } else if (bucket === "day") {
    for (let t = localDayStart(from, timeZone); t < to; t = localDayStart(t + 36 * HOUR, timeZone))
      out.push(t);
  } else {
    for (
      let d = localDayStart(from - 24 * HOUR, timeZone);
      d < to;
      d = localDayStart(d + 36 * HOUR, timeZone)
    ) {
      for (const h of DEFAULT_SHIFT_STARTS_H) {
        const s = d + h * HOUR;
        if (s + 12 * HOUR > from && s < to) out.push(s);
      }
    }
  }
  return out;
}

/** A bucket's window `[start, end)` in epoch ms; `name` for calendar shifts. */
export interface BucketWindow {
  start: number;
  end: number;
  name?: string;
}

/**
 * The buckets of a series over [from, to). With a calendar, "shift" buckets are the calendar's
 * shifts (gaps between shifts belong to no bucket); otherwise the default 08:00/20:00 shifts.
 */
export function bucketWindows(
  bucket: BucketKind,
  from: number,
  to: number,
  timeZone: string,
  calendar?: ShiftCalendar | null,
): BucketWindow[] {
  if (bucket === "shift" && calendar) {
    return shiftsIn(calendar, { start: from, end: to }).map((s) => ({
      start: s.start,
      end: s.end,
      name: s.name,
    }));
  }
  const starts = bucketStarts(bucket, from, to, timeZone);
  return starts.map((s, i) => ({
    start: s,
    end:
      starts[i + 1] ?? (bucket === "day" ? localDayStart(s + 36 * HOUR, timeZone) : s + NOMINAL_MS[bucket]),
  }));
}

export interface SeriesPoint {
  start: number;
  end: number;
  name?: string;
  totals: Totals;
}

/** A time series of summed rollups, one point per bucket (empty buckets included, as zeros). */
export async function series(
  handle: DbHandle,
  machineIds: SQL,
  range: TimeRangeInput,
  bucket: BucketKind,
  timeZone: string,
  calendar?: ShiftCalendar | null,
): Promise<SeriesPoint[]> {
  const windows = bucketWindows(bucket, range.from, range.to, timeZone, calendar);
  if (windows.length === 0) return [];
  // Calendar shifts may start off the hour: sum minute rollups then.
  const offHour = windows.some((w) => w.start % HOUR !== 0 || w.end % HOUR !== 0);
  const table: Table =
    bucket === "minute" || (bucket === "shift" && calendar && offHour)
      ? "machine_minute_rollups"
      : bucket === "day"
        ? "machine_daily_rollups"
        : "machine_hourly_rollups";
  const lo = (windows[0] as BucketWindow).start;
  const hi = Math.max(...windows.map((w) => w.end));
  const rows = await queryRows<Record<string, unknown> & { bucket: unknown }>(
    handle.db,
    sql`select bucket, ${SUMS} from ${sql.raw(table)} where machine_id in ${machineIds}
        and bucket >= ${iso(lo)}::timestamptz and bucket < ${iso(hi)}::timestamptz group by bucket`,
  );
  const points: SeriesPoint[] = windows.map((w) => ({
    start: w.start,
    end: w.end,
    ...(w.name === undefined ? {} : { name: w.name }),
    totals: toTotals(undefined),
  }));
  for (const r of rows) {
    const t = toDate(r.bucket).getTime();
    // The point whose [start, end) holds this stored bucket (binary search; shifts hold hours).
    let lo2 = 0;
    let hi2 = points.length - 1;
    while (lo2 < hi2) {
      const mid = (lo2 + hi2 + 1) >> 1;
      if ((points[mid] as SeriesPoint).start <= t) lo2 = mid;
      else hi2 = mid - 1;
    }
    const p = points[lo2];
    if (!p || t < p.start || t >= p.end) continue;
    const add = toTotals(r);
    for (const k of Object.keys(add) as (keyof Totals)[]) p.totals[k] += add[k];
  }
  return points;
}

/** Number of machines in a machine-id set. */
export async function countMachines(handle: DbHandle, machineIds: SQL): Promise<number> {
  const [r] = await queryRows<{ n: unknown }>(handle.db, sql`select count(*) as n from ${machineIds} m`);
  return Number(r?.n ?? 0);
}

export interface KpiPoint {
  start: number;
  end: number;
  elements: Elements;
  kpis: Kpis;
}

/** Machines in scope that share one calendar (null: none, POT = whole range). */
export interface PlanGroup {
  calendar: ShiftCalendar | null;
  machines: number;
  /** The calendar is the built-in default: no calendar was set for these enterprises. */
  isDefault?: boolean;
  /** The enterprises of the group (to restrict rollup sums to them). */
  enterpriseIds?: number[];
}

/**
 * Planned time of one machine under a calendar over [from, to), remembered per calendar object: a
 * ranking evaluates the same calendar over the same range and days for every entity (a calendar loaded
 * for one request is dropped with it).
 */
const plannedMemo = new WeakMap<ShiftCalendar, Map<string, { potS: number; pdotS: number }>>();
function plannedTimeOf(calendar: ShiftCalendar, from: number, to: number): { potS: number; pdotS: number } {
  const memo = plannedMemo.get(calendar) ?? new Map<string, { potS: number; pdotS: number }>();
  plannedMemo.set(calendar, memo);
  const k = `${from}:${to}`;
  let p = memo.get(k);
  if (!p) {
    const t = plannedTime(calendar, { start: from, end: to });
    p = { potS: t.potS, pdotS: t.pdotS };
    memo.set(k, p);
  }
  return p;
}

/**
 * Planned time of machine groups over [from, to): the calendar's POT/PDOT per machine where a group has
 * one, the whole range (PDOT 0) where not. `calendarS`: machine-seconds covered by a calendar, of which
 * `defaultCalendarS` by the built-in default one.
 */
export function plannedOf(
  groups: readonly PlanGroup[],
  from: number,
  to: number,
): { potS: number; pdotS: number; calendarS: number; defaultCalendarS: number } {
  const elapsed = Math.max(0, to - from) / 1000;
  let potS = 0;
  let pdotS = 0;
  let calendarS = 0;
  let defaultCalendarS = 0;
  for (const g of groups) {
    if (g.calendar) {
      const p = plannedTimeOf(g.calendar, from, to);
      potS += p.potS * g.machines;
      pdotS += p.pdotS * g.machines;
      calendarS += elapsed * g.machines;
      if (g.isDefault) defaultCalendarS += elapsed * g.machines;
    } else potS += elapsed * g.machines;
  }
  return { potS, pdotS, calendarS, defaultCalendarS };
}

/**
 * Elements and KPIs from summed rollups. `groups` give planned time (no calendar when omitted or none has
 * one); `inside` is the sum of the rollups inside the groups' planned busy windows (see
 * {@link insideSums}), so state time in a break or outside shifts is not APT/ADOT/… (null: all inside).
 */
export function evaluate(
  totals: Totals,
  from: number,
  to: number,
  machines: number,
  groups: readonly PlanGroup[] = [],
  inside: Totals | null = null,
): { elements: Elements; kpis: Kpis } {
  const range = { start: from, end: to };
  if (!groups.some((g) => g.calendar)) {
    const elements = elementsFromBuckets(totals, { range, machines });
    return { elements, kpis: kpisFromElements(elements) };
  }
  const p = plannedOf(groups, from, to);
  const elements = elementsFromBuckets(totals, {
    range,
    machines,
    planned: { potS: p.potS, pdotS: p.pdotS },
    ...(inside ? { inside } : {}),
    calendarS: p.calendarS,
    defaultCalendarS: p.defaultCalendarS,
  });
  return { elements, kpis: kpisFromElements(elements) };
}

/** A window to sum rollups over, labelled with the series point (or -1 for the totals) it belongs to. */
export interface TaggedWindow {
  tag: number;
  start: number;
  end: number;
}

/** What rollup sums are keyed by: the machine's enterprise, or the machine itself. */
export type SumPer = "enterprise" | "machine";

/** Tagged windows to sum rollups over, for the machines of some enterprises (all in scope when absent). */
export interface WindowSet {
  windows: readonly TaggedWindow[];
  enterpriseIds?: readonly number[];
}

/**
 * Enterprises whose rollups {@link sumSets} may read from the enterprise tables: `whole` hold all their
 * machines in the scope (an enterprise row sums every machine of it), `partial` are the scope's other
 * enterprises (read per machine). `months`: every whole enterprise keeps its days and months in the
 * zone the windows are cut in, so a whole local month is one monthly row.
 */
export interface CoarseScope {
  whole: readonly number[];
  partial: readonly number[];
  months: boolean;
}

/** "-enterprise_daily_rollups": days subtracted (summed negated). */
type AnyTable =
  | Table
  | "enterprise_daily_rollups"
  | "enterprise_monthly_rollups"
  | "-enterprise_daily_rollups";
type Seg = { tag: number; from: number; to: number };

/**
 * Sums of the rollups of `machineIds` over each set's tagged windows, per set, tag and key (enterprise or
 * machine, `per`): each window is covered by the coarsest rollups that fit (as {@link sumRange}), and each
 * table is read in one statement for all sets and windows. Calendar windows are minute-aligned, so the
 * sums are exact. Summed per enterprise with a `coarse` scope, the whole days and months of whole
 * enterprises are read from their enterprise rollups (one row per enterprise and day or month instead of
 * one per machine and day: the same sums).
 */
export async function sumSets(
  handle: DbHandle,
  machineIds: SQL,
  sets: readonly WindowSet[],
  timeZone: string,
  per: SumPer = "enterprise",
  coarse: CoarseScope | null = null,
): Promise<Map<number, Map<number, Totals>>[]> {
  const useCoarse = per === "enterprise" && coarse !== null && coarse.whole.length > 0;
  const whole = new Set(coarse?.whole ?? []);
  const reads = new Map<AnyTable, Map<number, { ids: readonly number[] | undefined; segs: Seg[] }>>();
  const add = (table: AnyTable, set: number, ids: readonly number[] | undefined, seg: Seg): void => {
    if (ids?.length === 0) return;
    const ofTable =
      reads.get(table) ?? new Map<number, { ids: readonly number[] | undefined; segs: Seg[] }>();
    const r = ofTable.get(set) ?? { ids, segs: [] };
    r.segs.push(seg);
    ofTable.set(set, r);
    reads.set(table, ofTable);
  };
  sets.forEach((set, i) => {
    const ids = set.enterpriseIds;
    const wholeIds = ids ? ids.filter((e) => whole.has(e)) : [...whole];
    const restIds = ids ? ids.filter((e) => !whole.has(e)) : [...(coarse?.partial ?? [])];
    for (const w of set.windows) {
      if (w.end <= w.start) continue;
      for (const seg of segmentsFor(w.start, w.end, timeZone, useCoarse && coarse.months).segments) {
        const x = { tag: w.tag, from: seg.from, to: seg.to };
        if (!useCoarse || seg.table !== "machine_daily_rollups") add(seg.table, i, ids, x);
        else if (seg.sign === -1) {
          // Days to take off a month: whole enterprises read the month row, the others its days.
          add("-enterprise_daily_rollups", i, wholeIds, x);
        } else {
          add(seg.month ? "enterprise_monthly_rollups" : "enterprise_daily_rollups", i, wholeIds, x);
          add("machine_daily_rollups", i, restIds, x);
        }
      }
    }
  });
  const out = sets.map(() => new Map<number, Map<number, Totals>>());
  const sums = sql.raw(ROLLUP_COLUMNS.map((c) => `coalesce(sum(r.${c}), 0)::float8 as ${c}`).join(", "));
  const key = per === "machine" ? sql`r.machine_id` : sql`m.enterprise_id`;
  const statements = [...reads].map(([table, ofTable]) => {
    const parts: SQL[] = [];
    const minus = table.startsWith("-");
    const name = minus ? table.slice(1) : table;
    const ofEnterprise = name === "enterprise_daily_rollups" || name === "enterprise_monthly_rollups";
    const signed = minus
      ? sql.raw(ROLLUP_COLUMNS.map((c) => `-coalesce(sum(r.${c}), 0)::float8 as ${c}`).join(", "))
      : sums;
    // Sets for some enterprises (one per calendar) are read in one scan: each row takes its
    // enterprise's set(s) and that set's window tags. Before, each calendar read the table again.
    const filtered: [number, readonly number[], Seg[]][] = [];
    for (const [i, { ids, segs }] of ofTable) {
      if (table === "machine_minute_rollups") {
        const only = ids ? sql` and m.enterprise_id = any(${pgArray([...ids], "int4")})` : sql``;
        parts.push(minuteSums(i, segs, machineIds, only, per));
      } else if (ofEnterprise) {
        // Whole enterprises only (every machine of theirs is in scope): no machine filter, and no join,
        // so the rows of a month of days are hashed by (tag, enterprise) as they are read. Joined to an
        // unnest of (enterprise, set) pairs as the machine tables are, PostgreSQL sorted them instead,
        // on disk (0.1 s for a city's year).
        parts.push(sql`(select ${i}::int4 as set, w.tag, r.enterprise_id as key, ${signed}
          from ${sql.raw(name)} r
          cross join lateral (values ${sql.join(
            layerTags(segs).map((c) => sql`(${c})`),
            sql`, `,
          )}) as w(tag)
          where r.enterprise_id = any(${pgArray([...(ids ?? [])], "int4")})
            and ${bucketBounds(segs)}
            and w.tag is not null
          group by w.tag, r.enterprise_id)`);
      } else if (ids) filtered.push([i, ids, segs]);
      else {
        parts.push(sql`(select ${i}::int4 as set, w.tag, ${key} as key, ${sums}
          from ${sql.raw(table)} r
          join machines m on m.id = r.machine_id
          cross join lateral (values ${sql.join(
            layerTags(segs).map((c) => sql`(${c})`),
            sql`, `,
          )}) as w(tag)
          where r.machine_id in ${machineIds}
            and ${bucketBounds(segs)}
            and w.tag is not null
          group by w.tag, ${key})`);
      }
    }
    if (filtered.length > 0) {
      const layers = filtered.map(([i, , segs]) => ({ set: i, columns: layerTags(segs) }));
      const depth = Math.max(...layers.map((l) => l.columns.length));
      const columns = Array.from(
        { length: depth },
        (_, d) =>
          sql`(case s.set ${sql.join(
            layers.flatMap((l) => {
              const c = l.columns[d];
              return c ? [sql`when ${l.set}::int4 then ${c}`] : [];
            }),
            sql` `,
          )} end)`,
      );
      const pairs = filtered.flatMap(([i, ids]) => ids.map((e) => [e, i] as const));
      const unnest = sql`unnest(${pgArray(
        pairs.map((p) => p[0]),
        "int4",
      )}, ${pgArray(
        pairs.map((p) => p[1]),
        "int4",
      )}) as s(enterprise_id, set)`;
      const tags = sql`cross join lateral (values ${sql.join(
        columns.map((c) => sql`(${c})`),
        sql`, `,
      )}) as w(tag)`;
      const bounds = bucketBounds(filtered.flatMap(([, , segs]) => segs));
      parts.push(sql`(select s.set, w.tag, ${key} as key, ${sums}
          from ${sql.raw(table)} r
          join machines m on m.id = r.machine_id
          join ${unnest} on s.enterprise_id = m.enterprise_id
          ${tags}
          where r.machine_id in ${machineIds}
            and ${bounds}
            and w.tag is not null
          group by s.set, w.tag, ${key})`);
    }
    return queryRows<Record<string, unknown> & { set: unknown; tag: unknown; key: unknown }>(
      handle.db,
      sql.join(parts, sql` union all `),
    );
  });
  for (const rows of await Promise.all(statements)) {
    for (const r of rows) {
      const byTag = out[Number(r.set)];
      if (!byTag) continue;
      const tag = Number(r.tag);
      const k = Number(r.key);
      const m = byTag.get(tag) ?? new Map<number, Totals>();
      const t = m.get(k) ?? toTotals(undefined);
      const add = toTotals(r);
      for (const c of ROLLUP_COLUMNS) t[c] += add[c];
      m.set(k, t);
      byTag.set(tag, m);
    }
  }
  return out;
}

/**
 * The rows of a rollup table that segments can hold: from the first to the last, or, for a few stretches
 * far apart (a range's two edges), each stretch alone, so the month between is not read.
 */
function bucketBounds(segs: readonly { from: number; to: number }[]): SQL {
  const stretches: { from: number; to: number }[] = [];
  for (const x of [...segs].sort((a, b) => a.from - b.from)) {
    const last = stretches.at(-1);
    if (last && x.from <= last.to) last.to = Math.max(last.to, x.to);
    else stretches.push({ from: x.from, to: x.to });
  }
  const range = (x: { from: number; to: number }) =>
    sql`(r.bucket >= ${iso(x.from)}::timestamptz and r.bucket < ${iso(x.to)}::timestamptz)`;
  if (stretches.length <= 4) return sql`(${sql.join(stretches.map(range), sql` or `)})`;
  return range({ from: stretches[0]?.from ?? 0, to: Math.max(...stretches.map((x) => x.to)) });
}

/**
 * The minute-rollup part of {@link sumSets}: minute segments are the edges of windows off the hour (a
 * range's ends, a break at 12:30), minutes here and there over a long range. Scanning every minute row
 * between the first and the last (as the hour and day tables are) read a month of minutes for an hour of
 * edges per day (1.2 s for the demo's 8 machines × 30 days); each (machine, segment) is one range of
 * the primary key (machine_id, bucket) instead.
 */
function minuteSums(
  set: number,
  segs: readonly { tag: number; from: number; to: number }[],
  machineIds: SQL,
  only: SQL,
  per: SumPer,
): SQL {
  const sums = sql.raw(ROLLUP_COLUMNS.map((c) => `coalesce(sum(x.${c}), 0)::float8 as ${c}`).join(", "));
  const inner = sql.raw(ROLLUP_COLUMNS.map((c) => `sum(r.${c}) as ${c}`).join(", "));
  const key = per === "machine" ? sql`m.id` : sql`m.enterprise_id`;
  return sql`(select ${set}::int4 as set, w.tag, ${key} as key, ${sums}
      from machines m
      cross join unnest(${pgArray(
        segs.map((x) => x.from),
        "int8",
      )}, ${pgArray(
        segs.map((x) => x.to),
        "int8",
      )}, ${pgArray(
        segs.map((x) => x.tag),
        "int4",
      )}) as w(a, b, tag)
      cross join lateral (select ${inner} from machine_minute_rollups r
        where r.machine_id = m.id and r.bucket >= to_timestamp(w.a / 1000.0) and r.bucket < to_timestamp(w.b / 1000.0)) x
      where m.id in ${machineIds}${only}
      group by w.tag, ${key})`;
}

/**
 * The tags of the windows holding `r.bucket`, one column of `w(tag)` per layer (null outside its windows).
 * A year of calendar windows is hundreds of them: joining the rollups to them by range made PostgreSQL
 * test every row against every window (a nested loop: 12 s for 1,000 machines × 30 days). Sorted and
 * disjoint, a layer's window edges form one array, and `width_bucket` finds a row's place in it by binary
 * search: an odd place is inside window (place + 1) / 2; an even place (0 too) is outside, and a 0
 * subscript is null. Adjacent windows share an edge, counted twice, so the row goes to the later window.
 * Windows that overlap (a total's and its series points') go to separate layers.
 */
function layerTags(segs: readonly { tag: number; from: number; to: number }[]): SQL[] {
  const layers: { tag: number; from: number; to: number }[][] = [];
  for (const x of [...segs].sort((a, b) => a.from - b.from)) {
    const layer = layers.find((l) => (l.at(-1)?.to ?? Number.NEGATIVE_INFINITY) <= x.from);
    if (layer) layer.push(x);
    else layers.push([x]);
  }
  return layers.map((l) => {
    // Epoch ms: a float8[] constant is folded once per query; a timestamptz[] cast (stable, not
    // immutable) was redone for every row.
    const edges = pgArray(
      l.flatMap((x) => [x.from, x.to]),
      "float8",
    );
    // date_part is float8 (exact for epoch ms); extract() is numeric, and numeric arithmetic on every
    // row of a month of hourly rollups was most of a city summary's time.
    const place = sql`width_bucket(date_part('epoch', r.bucket) * 1000, ${edges})`;
    return sql`((${pgArray(
      l.map((x) => x.tag),
      "int4",
    )})[(${place} + 1) / 2 * (${place} % 2)])`;
  });
}

/**
 * One map per tag from the per-set answers of {@link sumSets} whose sets cover disjoint keys (one set per
 * calendar, each for its own enterprises).
 */
export function mergeByTag(
  parts: Iterable<Map<number, Map<number, Totals>>>,
): Map<number, Map<number, Totals>> {
  const out = new Map<number, Map<number, Totals>>();
  for (const part of parts) {
    for (const [tag, m] of part) {
      const o = out.get(tag) ?? new Map<number, Totals>();
      for (const [k, t] of m) o.set(k, t);
      out.set(tag, o);
    }
  }
  return out;
}

/**
 * Rollup sums inside the planned busy time of each group's calendar, for each tagged range: the `inside`
 * of {@link evaluate}. Returns per tag the sums per enterprise; all groups in one statement per rollup table.
 */
export async function insideSums(
  handle: DbHandle,
  machineIds: SQL,
  groups: readonly PlanGroup[],
  ranges: readonly TaggedWindow[],
  timeZone: string,
): Promise<Map<number, Map<number, Totals>>> {
  const sets: WindowSet[] = [];
  for (const g of groups) {
    const cal = g.calendar;
    if (!cal) continue;
    const windows = ranges.flatMap((r) =>
      plannedBusyWindows(cal, { start: r.start, end: r.end }).map((w) => ({ tag: r.tag, ...w })),
    );
    sets.push({ windows, ...(g.enterpriseIds ? { enterpriseIds: g.enterpriseIds } : {}) });
  }
  return mergeByTag(await sumSets(handle, machineIds, sets, timeZone));
}

/** Field-wise sum of totals. */
export function sumTotals(list: Iterable<Totals>): Totals {
  const t = toTotals(undefined);
  for (const x of list) for (const k of ROLLUP_COLUMNS) t[k] += x[k];
  return t;
}

/** The end of a window clipped to `now`: the bucket holding "now" counts only its elapsed part. */
export const elapsedEnd = (start: number, end: number, now: number): number =>
  Math.max(start, Math.min(end, now));
