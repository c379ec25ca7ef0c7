import { WeftError } from "@weft/core";
import { enterprises, jobs, machines } from "@weft/db/schema";
import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { ALL_ROLES } from "../auth/access.ts";
import { machineFilter } from "../auth/scope.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);

/** Opaque cursor over (lastTs desc, machineId, jobId). */
const Cursor = z.object({ lastTs: z.number().int(), machineId: z.number().int(), jobId: z.string() });
type Cursor = z.infer<typeof Cursor>;
const encode = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString("base64url");
function decode(s: string): Cursor {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(s, "base64url").toString("utf8")));
  } catch (cause) {
    throw new WeftError("VALIDATION_FAILED", "invalid cursor", { field: "cursor", cause });
  }
}

const row = {
  machineId: jobs.machineId,
  machineKey: machines.key,
  machineName: machines.name,
  enterpriseKey: enterprises.key,
  jobId: jobs.jobId,
  firstTs: jobs.firstTs,
  lastTs: jobs.lastTs,
  produced: jobs.produced,
  good: jobs.good,
  waste: jobs.waste,
  runS: jobs.runS,
  setupS: jobs.setupS,
  energyKwh: jobs.energyKwh,
};

type JobRow = {
  firstTs: Date;
  lastTs: Date;
  produced: number;
  good: number;
  waste: number;
  runS: number;
  setupS: number;
};
function present<T extends JobRow>(r: T) {
  return {
    ...r,
    firstTs: r.firstTs.getTime(),
    lastTs: r.lastTs.getTime(),
    /** Waste ÷ produced (make-ready and running waste), null when nothing was produced. */
    wasteRatio: r.produced > 0 ? r.waste / r.produced : null,
    /** Good units per running hour. */
    goodPerRunHour: r.runS > 0 ? r.good / (r.runS / 3600) : null,
  };
}

export const jobsRouter = createTRPCRouter({
  /**
   * The job ledger (printing orders and cell jobs): produced, good and waste counts, run and setup
   * time and energy per job and machine, newest first — the basis of an order's settlement.
   */
  list: scopedProcedure({
    roles: ALL_ROLES,
    input: z
      .object({
        enterprise: Ref.optional(),
        machine: Ref.optional(),
        from: z.number().int().nonnegative().optional(),
        to: z.number().int().nonnegative().optional(),
        search: z.string().trim().max(100).optional(),
        limit: z.number().int().min(1).max(500).default(50),
        cursor: z.string().max(500).nullish(),
      })
      .default({ limit: 50 }),
    touches: (i) => ({ enterprise: i.enterprise, machine: i.machine }),
    lists: ["jobs"],
  }).query(async ({ ctx, input }) => {
    if (input.from !== undefined && input.to !== undefined && input.to <= input.from) {
      throw new WeftError("RANGE_INVALID", "the range ends before it starts", { field: "to" });
    }
    const { enterprise: ent, machine: mach } = ctx.scope;
    const c = input.cursor ? decode(input.cursor) : null;
    const after: SQL | undefined = c
      ? or(
          lt(jobs.lastTs, new Date(c.lastTs)),
          and(
            eq(jobs.lastTs, new Date(c.lastTs)),
            sql`(${jobs.machineId}, ${jobs.jobId}) > (${c.machineId}, ${c.jobId})`,
          ),
        )
      : undefined;
    const rows = await ctx.handle.db
      .select(row)
      .from(jobs)
      .innerJoin(machines, eq(machines.id, jobs.machineId))
      .innerJoin(enterprises, eq(enterprises.id, machines.enterpriseId))
      .where(
        and(
          machineFilter(ctx.user),
          ent ? eq(machines.enterpriseId, ent.id) : undefined,
          mach ? eq(jobs.machineId, mach.id) : undefined,
          input.from !== undefined ? gte(jobs.lastTs, new Date(input.from)) : undefined,
          input.to !== undefined ? lt(jobs.firstTs, new Date(input.to)) : undefined,
          input.search ? sql`${jobs.jobId} ilike ${`%${input.search}%`}` : undefined,
          after,
        ),
      )
      .orderBy(desc(jobs.lastTs), jobs.machineId, jobs.jobId)
      .limit(input.limit + 1);
    const items = rows.slice(0, input.limit).map(present);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        rows.length > input.limit && last
          ? encode({ lastTs: last.lastTs, machineId: last.machineId, jobId: last.jobId })
          : null,
    };
  }),

  /** One job across the machines that ran it (a job id may run on several presses), with per-machine lines and totals. */
  get: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({ jobId: z.string().trim().min(1).max(200), enterprise: Ref.optional() }),
    touches: (i) => ({ enterprise: i.enterprise }),
    lists: ["jobs"],
  }).query(async ({ ctx, input }) => {
    const ent = ctx.scope.enterprise;
    const rows = await ctx.handle.db
      .select(row)
      .from(jobs)
      .innerJoin(machines, eq(machines.id, jobs.machineId))
      .innerJoin(enterprises, eq(enterprises.id, machines.enterpriseId))
      .where(
        and(
          machineFilter(ctx.user),
          eq(jobs.jobId, input.jobId),
          ent ? eq(machines.enterpriseId, ent.id) : undefined,
        ),
      )
      .orderBy(jobs.firstTs);
    if (rows.length === 0) {
      throw new WeftError("NOT_FOUND", `job ${input.jobId} does not exist or is not visible to you`, {
        field: "jobId",
      });
    }
    const machinesOut = rows.map(present);
    const sum = (k: "produced" | "good" | "waste" | "runS" | "setupS" | "energyKwh") =>
      machinesOut.reduce((s, r) => s + r[k], 0);
    const totals = {
      produced: sum("produced"),
      good: sum("good"),
      waste: sum("waste"),
      runS: sum("runS"),
      setupS: sum("setupS"),
      energyKwh: sum("energyKwh"),
      firstTs: Math.min(...machinesOut.map((r) => r.firstTs)),
      lastTs: Math.max(...machinesOut.map((r) => r.lastTs)),
    };
    return {
      jobId: input.jobId,
      machines: machinesOut,
      totals: { ...totals, wasteRatio: totals.produced > 0 ? totals.waste / totals.produced : null },
    };
  }),
});
