import { z } from "zod";
import { ALL_ROLES as ALL, kpiTouches } from "../auth/access.ts";
import { counterAnomalies } from "../kpi/anomalies.ts";
import { planGroups } from "../kpi/calendars.ts";
import {
  BucketKind,
  checkRange,
  elapsedEnd,
  evaluate,
  insideSums,
  series,
  sumRange,
  sumTotals,
  TimeRangeInput,
} from "../kpi/query.ts";
import { resolveScope, Scope } from "../kpi/scope.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

export const KpiInput = z.object({ scope: Scope, range: TimeRangeInput, bucket: BucketKind.default("hour") });

/** KPIs of a scope over a range, in total and per bucket (also the machine page's trends). */
export async function computeKpis(
  ctx: Parameters<typeof resolveScope>[0] & { user: Parameters<typeof resolveScope>[1]; now: () => number },
  input: z.infer<typeof KpiInput>,
) {
  checkRange(input.range, input.bucket);
  const scope = await resolveScope(ctx, ctx.user, input.scope);
  const groups = await planGroups(ctx, scope.machineIds);
  const own = groups.find((g) => !g.isDefault && g.enterpriseIds?.includes(scope.enterpriseId ?? -1));
  const shiftCalendar = scope.enterpriseId === undefined ? null : (own?.calendar ?? null);
  const machines = groups.reduce((n, g) => n + g.machines, 0);
  const [total, points] = await Promise.all([
    sumRange(ctx.handle, scope.machineIds, input.range, scope.timeZone),
    series(ctx.handle, scope.machineIds, input.range, input.bucket, scope.timeZone, shiftCalendar),
  ]);
  // The bucket holding "now" (and the range, if it reaches past now) counts only its elapsed part.
  const now = ctx.now();
  const totalEnd = elapsedEnd(total.from, total.to, now);
  const ends = points.map((p) => elapsedEnd(p.start, p.end, now));
  const inside = await insideSums(
    ctx.handle,
    scope.machineIds,
    groups,
    [
      { tag: -1, start: total.from, end: totalEnd },
      ...points.map((p, i) => ({ tag: i, start: p.start, end: ends[i] ?? p.end })),
    ],
    scope.timeZone,
  );
  const insideOf = (tag: number) => sumTotals(inside.get(tag)?.values() ?? []);
  const totals = evaluate(total.totals, total.from, totalEnd, machines, groups, insideOf(-1));
  return {
    scope: { kind: scope.kind, id: scope.id, key: scope.key, name: scope.name, timeZone: scope.timeZone },
    range: { from: total.from, to: total.to },
    bucket: input.bucket,
    machines,
    calendar: totals.kpis.calendar,
    series: points.map((p, i) => ({
      start: p.start,
      end: p.end,
      ...(p.name === undefined ? {} : { name: p.name }),
      ...evaluate(p.totals, p.start, ends[i] ?? p.end, machines, groups, insideOf(i)),
    })),
    totals,
  };
}

/** A series point's window (and shift name), as both procedures return it. */
const windowOf = (p: { start: number; end: number; name?: string | undefined }) => ({
  start: p.start,
  end: p.end,
  ...(p.name === undefined ? {} : { name: p.name }),
});

/** What both KPI procedures answer with before their series. */
const headOf = ({ scope, range, bucket, machines, calendar }: Awaited<ReturnType<typeof computeKpis>>) => ({
  scope,
  range,
  bucket,
  machines,
  calendar,
});

/** `kpi.elements` and `kpi.oee` read the same scope and take the same input. */
const kpiQuery = scopedProcedure({
  roles: ALL,
  input: KpiInput,
  touches: (i) => kpiTouches(i.scope),
  lists: ["kpi"],
});

export const AnomaliesInput = z.object({
  scope: Scope,
  range: TimeRangeInput,
  limit: z.number().int().min(1).max(500).default(100),
});

export const kpiRouter = createTRPCRouter({
  /**
   * Counter jumps in scope that were not counted as output (neither a plausible wrap nor a reset: more
   * units than the machine could make in the time), newest first: a counter to look at.
   */
  counterAnomalies: scopedProcedure({
    roles: ALL,
    input: AnomaliesInput,
    touches: (i) => kpiTouches(i.scope),
    lists: ["kpi"],
  }).query(async ({ ctx, input }) => {
    checkRange(input.range, null);
    const scope = await resolveScope(ctx, ctx.user, input.scope);
    const r = await counterAnomalies(ctx.handle, scope.machineIds, input.range, input.limit);
    return { scope: { kind: scope.kind, key: scope.key, name: scope.name }, range: input.range, ...r };
  }),

  /** ISO 22400 time and quantity elements (APT, AUST, ADET, ADOT, PQ, GQ, SQ, kWh, …) per bucket and in total. */
  elements: kpiQuery.query(async ({ ctx, input }) => {
    const r = await computeKpis(ctx, input);
    return {
      ...headOf(r),
      series: r.series.map((p) => ({
        ...windowOf(p),
        elements: p.elements,
      })),
      totals: r.totals.elements,
    };
  }),

  /** Availability, effectiveness, quality, OEE (and the other ISO 22400 KPIs) per bucket and in total; null where undefined. */
  oee: kpiQuery.query(async ({ ctx, input }) => {
    const r = await computeKpis(ctx, input);
    return {
      ...headOf(r),
      series: r.series.map((p) => ({
        ...windowOf(p),
        availability: p.kpis.availability,
        effectiveness: p.kpis.effectiveness,
        quality: p.kpis.quality,
        oee: p.kpis.oee,
        runningRate: p.kpis.runningRate,
        produced: p.elements.pq,
        good: p.elements.gq,
      })),
      totals: r.totals.kpis,
      elements: r.totals.elements,
    };
  }),
});
