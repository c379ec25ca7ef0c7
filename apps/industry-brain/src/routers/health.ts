import { sql } from "drizzle-orm";
import { z } from "zod";
import { publicProcedure } from "../trpc.ts";

export const HealthOutput = z.object({
  status: z.enum(["ok", "degraded"]),
  db: z.enum(["pglite", "postgres"]),
  dbOk: z.boolean(),
  time: z.number(),
  version: z.string(),
});

/** Liveness and database reachability. */
export const healthProcedure = publicProcedure("liveness for load balancers; says nothing about any tenant")
  .output(HealthOutput)
  .query(async ({ ctx }) => {
    let dbOk = true;
    try {
      await ctx.handle.query(sql`select 1`);
    } catch {
      dbOk = false;
    }
    return {
      status: dbOk ? "ok" : "degraded",
      db: ctx.handle.driver,
      dbOk,
      time: ctx.now(),
      version: "0.1.0",
    } as const;
  });
