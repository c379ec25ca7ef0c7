import { queryRows } from "@weft/db";
import { enterprises, machines, parks } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { ALL_ROLES } from "../auth/access.ts";
import { machineFilter } from "../auth/scope.ts";
import {
  bucketStarts,
  checkRange,
  evaluate,
  ROLLUP_COLUMNS,
  segmentsFor,
  TimeRangeInput,
  toTotals,
} from "../kpi/query.ts";
import { type MachineFigures, rankEntities } from "../rankings/rank.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

const iso = (ms: number) => new Date(ms).toISOString();
const SUMS = sql.raw(ROLLUP_COLUMNS.map((c) => `coalesce(sum(${c}), 0)::float8 as ${c}`).join(", "));

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
   * inside the caller's walls, from the rollups (sum the elements, then divide).
   */
  list: scopedProcedure({ roles: ALL_ROLES, input: RankingsInput, lists: ["kpi", "machines"] }).query(
    async ({ ctx, input }) => {
      checkRange(input.range, "day");
      const tz = "Asia/Shanghai";
      const visible = sql`(select ${machines.id} from ${machines} join ${enterprises} on ${enterprises.id} = ${machines.enterpriseId}
        where ${machineFilter(ctx.user) ?? sql`true`}
          ${input.industry ? sql`and upper(${enterprises.industryCode}) like ${`${input.industry}%`}` : sql``})`;
      const { segments } = segmentsFor(input.range.from, input.range.to, tz);
      const parts = segments.map(
        (s) => sql`select machine_id, ${sql.raw(ROLLUP_COLUMNS.join(", "))} from ${sql.raw(s.table)}
          where machine_id in ${visible} and bucket >= ${iso(s.from)}::timestamptz and bucket < ${iso(s.to)}::timestamptz`,
      );
      const [who, totals, daily] = await Promise.all([
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
              where m.id in ${visible} and m.production`,
        ),
        parts.length === 0
          ? Promise.resolve([])
          : queryRows<Record<string, unknown> & { machine_id: number }>(
              ctx.handle.db,
              sql`select machine_id, ${SUMS} from (${sql.join(parts, sql` union all `)}) r group by machine_id`,
            ),
        queryRows<Record<string, unknown> & { machine_id: number; bucket: Date | string }>(
          ctx.handle.db,
          sql`select machine_id, bucket, ${SUMS} from machine_daily_rollups
              where machine_id in ${visible} and bucket >= ${iso(input.range.from - 86_400_000)}::timestamptz
                and bucket < ${iso(input.range.to)}::timestamptz group by machine_id, bucket`,
        ),
      ]);
      const dayStarts = bucketStarts("day", input.range.from, input.range.to, tz);
      const totalOf = new Map(totals.map((r) => [Number(r.machine_id), toTotals(r)]));
      const daysOf = new Map<number, MachineFigures["days"]>();
      for (const r of daily) {
        const id = Number(r.machine_id);
        const days = daysOf.get(id) ?? new Map();
        days.set(new Date(r.bucket).getTime(), toTotals(r));
        daysOf.set(id, days);
      }
      const entityOf = (m: (typeof who)[number]) =>
        input.kind === "machine"
          ? Number(m.id)
          : input.kind === "enterprise"
            ? Number(m.enterprise_id)
            : Number(m.park_id);
      const figures: MachineFigures[] = who.map((m) => ({
        machineId: Number(m.id),
        entityId: entityOf(m),
        totals: totalOf.get(Number(m.id)) ?? toTotals(undefined),
        days: daysOf.get(Number(m.id)) ?? new Map(),
      }));
      const ranked = rankEntities(
        figures,
        (t, from, to, n) => evaluate(t, from, to, n).kpis,
        input.range,
        dayStarts,
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
