import { industryDivisions, WeftError } from "@weft/core";
import { machines } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { ALL_ROLES } from "../auth/access.ts";
import { machineFilter } from "../auth/scope.ts";
import { figuresTimeZone } from "../auth/zone.ts";
import { loadRuleSet } from "../coverage/compute.ts";
import { checkRange, TimeRangeInput } from "../kpi/query.ts";
import { industrySummary } from "../kpi/summary.ts";
import { connectedWindowOf, DEFAULT_CONNECTED_WITHIN_HOURS } from "../machines/connected.ts";
import { createTRPCRouter, publicProcedure, scopedProcedure } from "../trpc.ts";

export const industriesRouter = createTRPCRouter({
  /** GB/T 4754-2017 divisions Weft knows (code, zh, en). */
  list: publicProcedure("the GB/T 4754 code table is public reference data").query(() =>
    industryDivisions().map((d) => ({ ...d })),
  ),

  /**
   * 产业大脑 view over a range: per industry (and per park inside it) and per park, connected machines,
   * 开机率, OEE, output and energy, for everything the caller may see.
   */
  summary: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({
      range: TimeRangeInput,
      city: z.union([z.number().int().positive(), z.string().min(1).max(64)]).optional(),
    }),
    touches: (i) => ({ city: i.city }),
    lists: ["kpi"],
  }).query(async ({ ctx, input }) => {
    checkRange(input.range, null);
    if (input.range.to - input.range.from > 366 * 86_400_000) {
      throw new WeftError("RANGE_INVALID", "a summary covers at most one year", {
        field: "range",
        fix: "use a shorter range",
      });
    }
    let cityFilter = sql`true`;
    const c = ctx.scope.city;
    // The zone rankings.list cuts days in too, so both agree on every day and rollup table.
    const timeZone = await figuresTimeZone(ctx, ctx.user, c);
    if (c) {
      cityFilter = sql`e.park_id in (select id from parks where city_id = ${c.id})`;
    }
    const visible = machineFilter(ctx.user) ?? sql`true`;
    const ids = sql`(select ${machines.id} from ${machines} join enterprises e on e.id = ${machines.enterpriseId} where ${visible} and ${cityFilter})`;
    const cityId = c?.id ?? ctx.user.cityId;
    const withinHours =
      cityId === null
        ? DEFAULT_CONNECTED_WITHIN_HOURS
        : connectedWindowOf(await loadRuleSet(ctx.handle, cityId));
    return industrySummary(ctx.handle, ids, input.range, timeZone, { now: ctx.now(), withinHours });
  }),
});
