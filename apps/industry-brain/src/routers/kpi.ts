import { z } from "zod";
import { loadCalendars, machinesByEnterprise } from "../kpi/calendars.ts";
import {
  BucketKind,
  checkRange,
  evaluate,
  type PlanGroup,
  series,
  sumRange,
  TimeRangeInput,
} from "../kpi/query.ts";
import { resolveScope, Scope } from "../kpi/scope.ts";
import { authedProcedure, createTRPCRouter } from "../trpc.ts";

export const KpiInput = z.object({ scope: Scope, range: TimeRangeInput, bucket: BucketKind.default("hour") });

async function compute(
  ctx: Parameters<typeof resolveScope>[0] & { user: Parameters<typeof resolveScope>[1] },
  input: z.infer<typeof KpiInput>,
) {
  checkRange(input.range, input.bucket);
  const scope = await resolveScope(ctx, ctx.user, input.scope);
  const byEnterprise = await machinesByEnterprise(ctx, scope.machineIds);
  const ids = new Set(byEnterprise.map((g) => g.enterpriseId));
  if (scope.enterpriseId !== undefined) ids.add(scope.enterpriseId);
  const calendars = await loadCalendars(ctx, [...ids]);
  const groups: PlanGroup[] = byEnterprise.map((g) => ({
    calendar: calendars.get(g.enterpriseId) ?? null,
    machines: g.machines,
  }));
  const shiftCalendar = scope.enterpriseId === undefined ? null : (calendars.get(scope.enterpriseId) ?? null);
  const machines = groups.reduce((n, g) => n + g.machines, 0);
  const [total, points] = await Promise.all([
    sumRange(ctx.handle, scope.machineIds, input.range, scope.timeZone),
    series(ctx.handle, scope.machineIds, input.range, input.bucket, scope.timeZone, shiftCalendar),
  ]);
  const totals = evaluate(total.totals, total.from, total.to, machines, groups);
  return {
    scope: { kind: scope.kind, id: scope.id, key: scope.key, name: scope.name, timeZone: scope.timeZone },
    range: { from: total.from, to: total.to },
    bucket: input.bucket,
    machines,
    series: points.map((p) => ({
      start: p.start,
      end: p.end,
      ...(p.name === undefined ? {} : { name: p.name }),
      ...evaluate(p.totals, p.start, p.end, machines, groups),
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

export const kpiRouter = createTRPCRouter({
  /** ISO 22400 time and quantity elements (APT, AUST, ADET, ADOT, PQ, GQ, SQ, kWh, …) per bucket and in total. */
  elements: authedProcedure.input(KpiInput).query(async ({ ctx, input }) => {
    const r = await compute(ctx, input);
    const { scope, range, bucket, machines } = r;
    return {
      scope,
      range,
      bucket,
      machines,
      series: r.series.map((p) => ({
        ...windowOf(p),
        elements: p.elements,
      })),
      totals: r.totals.elements,
    };
  }),

  /** Availability, effectiveness, quality, OEE (and the other ISO 22400 KPIs) per bucket and in total; null where undefined. */
  oee: authedProcedure.input(KpiInput).query(async ({ ctx, input }) => {
    const r = await compute(ctx, input);
    const { scope, range, bucket, machines } = r;
    return {
      scope,
      range,
      bucket,
      machines,
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
