import { WeftError } from "@weft/core";
import { queryRows } from "@weft/db";
import { enterprises, machineLive, parks } from "@weft/db/schema";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { ALL_ROLES } from "../auth/access.ts";
import { BucketKind, checkRange, TimeRangeInput } from "../kpi/query.ts";
import { signalBucketMs, timelineSpans } from "../machine-page/timeline.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";
import { computeKpis } from "./kpi.ts";
import { freshness } from "./machines.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);
const MachineRange = z.object({ machine: Ref, range: TimeRangeInput });
const MAX_RANGE_MS = 93 * 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

function checkSpan(range: TimeRangeInput): void {
  checkRange(range, null);
  if (range.to - range.from > MAX_RANGE_MS)
    throw new WeftError("RANGE_INVALID", "the machine page shows at most 93 days at once", {
      field: "range",
      fix: "choose a range of at most three months",
    });
}

const decl = <S extends z.ZodType<{ machine: string | number }>>(input: S) => ({
  roles: ALL_ROLES,
  input,
  touches: (i: z.output<S>) => ({ machine: i.machine }),
});

/** The newest numeric point of a machine, preferring its `rate` signal; null when it has none. */
async function defaultNumericPoint(
  db: Parameters<typeof queryRows>[0],
  machineId: number,
): Promise<string | null> {
  const [live] = await queryRows<{ last_ts: Date | string | null }>(
    db,
    sql`select last_ts from machine_live where machine_id = ${machineId}`,
  );
  if (!live?.last_ts) return null;
  const lastTs = new Date(live.last_ts).getTime();
  const [row] = await queryRows<{ point_key: string }>(
    db,
    sql`select point_key from readings
        where machine_id = ${machineId} and ts >= ${iso(lastTs - 15 * 60_000)}::timestamptz
          and ts <= ${iso(lastTs)}::timestamptz and value_num is not null
        group by point_key order by bool_or(signal is not distinct from 'rate') desc, point_key limit 1`,
  );
  return row?.point_key ?? null;
}

export const machinePageRouter = createTRPCRouter({
  /** The machine, where it is, its live state and the newest value of each of its signals, with freshness. */
  overview: scopedProcedure(decl(z.object({ machine: Ref }))).query(async ({ ctx }) => {
    const m = ctx.scope.machine;
    const [where] = await ctx.handle.db
      .select({
        enterpriseId: enterprises.id,
        enterpriseName: enterprises.name,
        enterpriseNameEn: enterprises.nameEn,
        industryCode: enterprises.industryCode,
        timeZone: enterprises.timeZone,
        parkId: parks.id,
        parkName: parks.name,
        parkNameEn: parks.nameEn,
      })
      .from(enterprises)
      .innerJoin(parks, eq(parks.id, enterprises.parkId))
      .where(eq(enterprises.id, m.enterpriseId));
    const [live] = await ctx.handle.db.select().from(machineLive).where(eq(machineLive.machineId, m.id));
    const now = ctx.now();
    const lastTs = live?.lastTs ? live.lastTs.getTime() : null;
    // The newest value per point within 15 minutes of the machine's newest reading (BRIN on ts
    // plus partition pruning keep this to the last minutes, however long the history).
    const signals =
      lastTs === null
        ? []
        : await queryRows<{
            point_key: string;
            signal: string | null;
            ts: Date | string;
            value_num: number | null;
            value_text: string | null;
          }>(
            ctx.handle.db,
            sql`select distinct on (point_key) point_key, signal, ts, value_num, value_text from readings
                where machine_id = ${m.id} and ts >= ${iso(lastTs - 15 * 60_000)}::timestamptz
                  and ts <= ${iso(lastTs)}::timestamptz
                order by point_key, ts desc`,
          );
    return {
      machine: {
        id: m.id,
        key: m.key,
        name: m.name,
        kind: m.kind,
        profile: m.profile,
        idealCycleS: m.idealCycleS,
        production: m.production,
      },
      enterprise: where
        ? {
            id: where.enterpriseId,
            name: where.enterpriseName,
            nameEn: where.enterpriseNameEn,
            industryCode: where.industryCode,
          }
        : null,
      park: where ? { id: where.parkId, name: where.parkName, nameEn: where.parkNameEn } : null,
      timeZone: where?.timeZone ?? "Asia/Shanghai",
      live: {
        state: live?.state ?? null,
        stateSince: live?.stateSince ? live.stateSince.getTime() : null,
        jobId: live?.jobId || null,
        lastTs,
        ageMs: lastTs === null ? null : Math.max(0, now - lastTs),
        freshness: freshness(lastTs === null ? null : Math.max(0, now - lastTs)),
      },
      signals: signals.map((s) => {
        const ts = new Date(s.ts).getTime();
        return {
          point: s.point_key,
          signal: s.signal,
          ts,
          value: s.value_num ?? s.value_text,
          numeric: s.value_num !== null,
          ageMs: Math.max(0, now - ts),
          freshness: freshness(Math.max(0, now - ts)),
        };
      }),
    };
  }),

  /** State spans (running / idle / setup / down / offline) over a range, thinned to what a chart can draw. */
  timeline: scopedProcedure(
    decl(MachineRange.extend({ width: z.number().int().min(100).max(8000).default(2000) })),
  ).query(async ({ ctx, input }) => {
    checkSpan(input.range);
    const { from, to } = input.range;
    const rows = await queryRows<{ state: string; start_ts: Date | string; end_ts: Date | string | null }>(
      ctx.handle.db,
      sql`select state, start_ts, end_ts from machine_state_intervals
            where machine_id = ${ctx.scope.machine.id} and start_ts < ${iso(to)}::timestamptz
              and (end_ts is null or end_ts > ${iso(from)}::timestamptz)
            order by start_ts`,
    );
    const spans = timelineSpans(
      rows.map((r) => ({
        start: new Date(r.start_ts).getTime(),
        end: r.end_ts === null ? null : new Date(r.end_ts).getTime(),
        state: r.state,
      })),
      from,
      to,
      ctx.now(),
      (to - from) / input.width,
    );
    return { range: { from, to }, spans };
  }),

  /**
   * One numeric signal over a range: raw readings up to 6 h, above that the mean with a min/max
   * envelope per bucket (about 600 buckets), so a month of 1 s readings stays a light chart.
   */
  signal: scopedProcedure(
    decl(MachineRange.extend({ point: z.string().trim().min(1).max(200).optional() })),
  ).query(async ({ ctx, input }) => {
    checkSpan(input.range);
    const { from, to } = input.range;
    // No point named: the machine's `rate` signal, else its first numeric point, so the page can
    // ask for the chart in its first round trip instead of waiting for the overview's signal list.
    const point = input.point ?? (await defaultNumericPoint(ctx.handle.db, ctx.scope.machine.id));
    if (point === null) return { point: null, bucketMs: null, points: [] };
    const bucketMs = signalBucketMs(from, to);
    const where = sql`machine_id = ${ctx.scope.machine.id} and point_key = ${point}
        and ts >= ${iso(from)}::timestamptz and ts < ${iso(to)}::timestamptz and value_num is not null`;
    if (bucketMs === null) {
      const rows = await queryRows<{ ts: Date | string; v: number }>(
        ctx.handle.db,
        sql`select ts, value_num as v from readings where ${where} order by ts limit 30000`,
      );
      return {
        point,
        bucketMs: null,
        points: rows.map((r) => ({
          ts: new Date(r.ts).getTime(),
          avg: Number(r.v),
          min: Number(r.v),
          max: Number(r.v),
        })),
      };
    }
    const rows = await queryRows<{ b: Date | string; avg: number; min: number; max: number }>(
      ctx.handle.db,
      sql`select date_bin(${`${bucketMs / 1000} seconds`}::interval, ts, ${iso(0)}::timestamptz) as b,
              avg(value_num) as avg, min(value_num) as min, max(value_num) as max
            from readings where ${where} group by 1 order by 1`,
    );
    return {
      point,
      bucketMs,
      points: rows.map((r) => ({
        ts: new Date(r.b).getTime(),
        avg: Number(r.avg),
        min: Number(r.min),
        max: Number(r.max),
      })),
    };
  }),

  /** OEE, A, E, Q, 开机率, MTBF and MTTR per shift or day, and the ISO 22400 elements of the whole range. */
  trends: scopedProcedure(decl(MachineRange.extend({ bucket: BucketKind.default("day") }))).query(
    async ({ ctx, input }) => {
      checkSpan(input.range);
      const r = await computeKpis(ctx, {
        scope: { kind: "machine", id: ctx.scope.machine.id },
        range: input.range,
        bucket: input.bucket,
      });
      return {
        range: r.range,
        bucket: r.bucket,
        series: r.series.map((p) => ({
          start: p.start,
          end: p.end,
          ...(p.name === undefined ? {} : { name: p.name }),
          oee: p.kpis.oee,
          availability: p.kpis.availability,
          effectiveness: p.kpis.effectiveness,
          quality: p.kpis.quality,
          runningRate: p.kpis.runningRate,
          mtbfS: p.kpis.mtbfS,
          mttrS: p.kpis.mttrS,
          produced: p.elements.pq,
          good: p.elements.gq,
        })),
        totals: r.totals.kpis,
        elements: r.totals.elements,
      };
    },
  ),
});
