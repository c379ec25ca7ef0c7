import { industryDivisions, WeftError } from "@weft/core";
import { cities, machines } from "@weft/db/schema";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { machineFilter } from "../auth/scope.ts";
import { checkRange, TimeRangeInput } from "../kpi/query.ts";
import { industrySummary } from "../kpi/summary.ts";
import { authedProcedure, createTRPCRouter, publicProcedure } from "../trpc.ts";

export const industriesRouter = createTRPCRouter({
  /** GB/T 4754-2017 divisions Weft knows (code, zh, en). */
  list: publicProcedure.query(() => industryDivisions().map((d) => ({ ...d }))),

  /**
   * 产业大脑 view over a range: per industry (and per park inside it) and per park, connected machines,
   * 开机率, OEE, output and energy, for everything the caller may see.
   */
  summary: authedProcedure
    .input(
      z.object({
        range: TimeRangeInput,
        city: z.union([z.number().int().positive(), z.string().min(1).max(64)]).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      checkRange(input.range, null);
      if (input.range.to - input.range.from > 366 * 86_400_000) {
        throw new WeftError("RANGE_INVALID", "a summary covers at most one year", {
          field: "range",
          fix: "use a shorter range",
        });
      }
      let cityFilter = sql`true`;
      let timeZone = "Asia/Shanghai";
      if (input.city !== undefined) {
        const byId = typeof input.city === "number" ? eq(cities.id, input.city) : eq(cities.key, input.city);
        const [c] = await ctx.handle.db.select().from(cities).where(byId);
        if (!c) throw new WeftError("NOT_FOUND", `city ${input.city} does not exist`, { field: "city" });
        timeZone = c.timeZone;
        cityFilter = sql`e.park_id in (select id from parks where city_id = ${c.id})`;
      }
      const visible = machineFilter(ctx.user) ?? sql`true`;
      const ids = sql`(select ${machines.id} from ${machines} join enterprises e on e.id = ${machines.enterpriseId} where ${visible} and ${cityFilter})`;
      return industrySummary(ctx.handle, ids, input.range, timeZone);
    }),
});
