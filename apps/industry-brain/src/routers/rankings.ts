import { queryRows } from "@weft/db";
import { enterprises, machines, parks } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { ALL_ROLES } from "../auth/access.ts";
import { machineFilter } from "../auth/scope.ts";
import { figuresTimeZone } from "../auth/zone.ts";
import { evaluatePlanned, plannedSums } from "../kpi/planned.ts";
import { bucketStarts, checkRange, segmentsFor, TimeRangeInput } from "../kpi/query.ts";
import { rankEntities } from "../rankings/rank.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

export const RankingsInput = z.object({
  kind: z.enum(["machine", "enterprise", "park"]),
  by: z.enum(["oee", "runningRate"]).default("oee"),
  order: z.enum(["best", "worst"]).default("best"),
  range: TimeRangeInput,
  /** Only machines of enterprises in this GB/T 4754 division (e.g. C23): what pulls an industry down. */
  industry: z.string().trim().toUpperCase().min(3).max(8).optional(),
  limit: z.number().int().min(1).max(200).default(20),
});

export const rankingsRouter = createTRPCRouter({
  /**
   * Machines, enterprises or parks ranked by OEE or 开机率 over a range, each with a daily sparkline:
   * inside the caller's walls, from the rollups, by the definition `industries.summary` and `kpi.oee`
   * use ({@link plannedSums}): planned time from each enterprise's shift calendar (or the default
   * one), the elapsed part of the range only, every machine counted (one that never sent data is
   * planned time with no production). So an industry's only enterprise ranks with the industry's OEE,
   * and the machines listed explain it.
   */
  list: scopedProcedure({ roles: ALL_ROLES, input: RankingsInput, lists: ["kpi", "machines"] }).query(
    async ({ ctx, input }) => {
      checkRange(input.range, "day");
      const tz = await figuresTimeZone(ctx, ctx.user, undefined);
      const visible = sql`(select ${machines.id} from ${machines} join ${enterprises} on ${enterprises.id} = ${machines.enterpriseId}
        where ${machineFilter(ctx.user) ?? sql`true`}
          ${input.industry ? sql`and upper(${enterprises.industryCode}) like ${`${input.industry}%`}` : sql``})`;
      // Minute-aligned, as industries.summary and kpi.oee align a range.
      const { from, to } = segmentsFor(input.range.from, input.range.to, tz);
      const dayStarts = bucketStarts("day", from, to, tz);
      const days = dayStarts.map((d, i) => ({
        tag: i,
        start: Math.max(d, from),
        end: Math.min(dayStarts[i + 1] ?? to, to),
      }));
      const allDays = days.map((d) => d.tag);
      const [who, planned] = await Promise.all([
        queryRows<{
          id: number;
          key: string;
          name: string;
          enterprise_id: number;
          e_name: string;
          e_name_en: string | null;
          park_id: number;
          p_name: string;
          p_name_en: string | null;
        }>(
          ctx.handle.db,
          sql`select m.id, m.key, m.name, e.id as enterprise_id, e.name as e_name, e.name_en as e_name_en,
                p.id as park_id, p.name as p_name, p.name_en as p_name_en
              from ${machines} m join ${enterprises} e on e.id = m.enterprise_id join ${parks} p on p.id = e.park_id
              where m.id in ${visible}`,
        ),
        // Day i is tagged i; the days are the range, so the range is their sum (one pass, not two).
        // Enterprises and parks are whole enterprises: summed per enterprise (a tenth of the rows).
        plannedSums(
          ctx.handle,
          visible,
          days,
          tz,
          ctx.now(),
          input.kind === "machine" ? "machine" : "enterprise",
        ),
      ]);
      const entityOf = (m: (typeof who)[number]) =>
        input.kind === "machine"
          ? Number(m.id)
          : input.kind === "enterprise"
            ? Number(m.enterprise_id)
            : Number(m.park_id);
      const members =
        input.kind === "machine"
          ? who.map((m) => ({ key: Number(m.id), entityId: entityOf(m), machines: 1 }))
          : [
              ...new Map(
                who.map((m) => [
                  Number(m.enterprise_id),
                  { key: Number(m.enterprise_id), entityId: entityOf(m) },
                ]),
              ).values(),
            ].map((e) => ({ ...e, machines: planned.keys.get(e.key)?.machines ?? 0 }));
      const ranked = rankEntities(
        members,
        (ids, day) => {
          const w = day === null ? { tag: allDays, start: from, end: to } : days[day];
          return w
            ? evaluatePlanned(planned, ids, w.tag, w.start, w.end).kpis
            : { oee: null, runningRate: null };
        },
        days.length,
        input.by,
        input.order,
      ).slice(0, input.limit);
      interface Label {
        name: string;
        nameEn: string | null;
        key: string | null;
        enterpriseName: string | null;
        enterpriseNameEn: string | null;
      }
      const label = new Map<number, Label>();
      for (const m of who) {
        const l: Label =
          input.kind === "machine"
            ? {
                name: m.name,
                nameEn: null,
                key: m.key,
                enterpriseName: m.e_name,
                enterpriseNameEn: m.e_name_en,
              }
            : input.kind === "enterprise"
              ? {
                  name: m.e_name,
                  nameEn: m.e_name_en,
                  key: null,
                  enterpriseName: null,
                  enterpriseNameEn: null,
                }
              : {
                  name: m.p_name,
                  nameEn: m.p_name_en,
                  key: null,
                  enterpriseName: null,
                  enterpriseNameEn: null,
                };
        label.set(entityOf(m), l);
      }
      return {
        kind: input.kind,
        by: input.by,
        days: dayStarts,
        items: ranked.map((r, i) => ({
          rank: i + 1,
          id: r.entityId,
          ...label.get(r.entityId),
          machines: r.machines,
          value: r.value,
          spark: r.spark,
        })),
      };
    },
  ),
});
