import { WeftError } from "@weft/core";
import { jobOrders, settlementRates } from "@weft/db/schema";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { ALL_ROLES } from "../auth/access.ts";
import type { UserPrincipal } from "../auth/principal.ts";
import { enterpriseFilter, machineFilter } from "../auth/scope.ts";
import type { BrainContext } from "../context.ts";
import { exportLedger } from "../orders/export.ts";
import { type LedgerFilter, loadLedger } from "../orders/ledger.ts";
import type { Rates } from "../orders/settlement.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);
const Money = z.number().min(0).max(1_000_000);

const LedgerInput = z
  .object({
    enterprise: Ref.optional(),
    machine: Ref.optional(),
    customer: z.string().trim().max(100).optional(),
    from: z.number().int().nonnegative().optional(),
    to: z.number().int().nonnegative().optional(),
    limit: z.number().int().min(1).max(2_000).default(500),
  })
  .default({ limit: 500 });

const RatesInput = z.object({
  perMachineHour: Money,
  perKwh: Money,
  perThousandSheets: Money,
  wasteAllowance: z.number().min(0).max(1),
  currency: z.string().trim().length(3).default("CNY"),
});

type Scope = { enterprise: { id: number } | null; machine: { id: number } | null };

async function ledgerFor(
  ctx: BrainContext & { user: UserPrincipal },
  scope: Scope,
  input: z.output<typeof LedgerInput>,
) {
  if (input.from !== undefined && input.to !== undefined && input.to <= input.from) {
    throw new WeftError("RANGE_INVALID", "the range ends before it starts", { field: "to" });
  }
  const mf = machineFilter(ctx.user) ?? sql`true`;
  const ef = enterpriseFilter(ctx.user) ?? sql`true`;
  const f: LedgerFilter = {
    machines: sql.join(
      [
        sql`m.enterprise_id in (select machines.enterprise_id from machines where ${mf})`,
        scope.enterprise ? sql`m.enterprise_id = ${scope.enterprise.id}` : sql`true`,
        scope.machine ? sql`m.id = ${scope.machine.id}` : sql`true`,
      ],
      sql` and `,
    ),
    // Orders not started yet have no machine: a machine filter leaves them out.
    orders: sql.join(
      [
        sql`o.enterprise_id in (select enterprises.id from enterprises where ${ef})`,
        scope.enterprise ? sql`o.enterprise_id = ${scope.enterprise.id}` : sql`true`,
        scope.machine ? sql`false` : sql`true`,
      ],
      sql` and `,
    ),
    from: input.from,
    to: input.to,
    customer: input.customer,
  };
  const rows = await ctx.handle.db.select().from(settlementRates);
  const rates = new Map<number, Rates>(rows.map((r) => [r.enterpriseId, r]));
  return loadLedger(ctx.handle, f, rates, input.limit);
}

export const ordersRouter = createTRPCRouter({
  /**
   * The job ledger per order for printers: planned vs produced, good, make-ready and running waste,
   * machine hours by state, kWh and the settlement at the enterprise's rates.
   */
  ledger: scopedProcedure({
    roles: ALL_ROLES,
    input: LedgerInput,
    touches: (i) => ({ enterprise: i.enterprise, machine: i.machine }),
    lists: ["orders"],
  }).query(async ({ ctx, input }) => ({ items: await ledgerFor(ctx, ctx.scope, input) })),

  /** The same ledger as an XLSX file for the printer's accounting. */
  export: scopedProcedure({
    roles: ALL_ROLES,
    input: LedgerInput.and(z.object({ locale: z.enum(["zh-CN", "en"]).default("zh-CN") })),
    touches: (i) => ({ enterprise: i.enterprise, machine: i.machine }),
    lists: ["orders"],
  }).query(async ({ ctx, input }) => exportLedger(await ledgerFor(ctx, ctx.scope, input), input.locale)),

  /** An order created ahead of the run: the press's job id links to it. */
  create: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({
      enterprise: Ref,
      jobId: z.string().trim().min(1).max(200),
      customer: z.string().trim().max(200).default(""),
      plannedQty: z.number().int().min(0).max(1_000_000_000).nullish(),
    }),
    touches: (i) => ({ enterprise: i.enterprise }),
  }).mutation(async ({ ctx, input }) => {
    const ent = ctx.scope.enterprise;
    return ctx.handle.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(jobOrders)
        .values({
          enterpriseId: ent.id,
          jobId: input.jobId,
          customer: input.customer,
          plannedQty: input.plannedQty ?? null,
          createdBy: ctx.user.id,
        })
        .onConflictDoUpdate({
          target: [jobOrders.enterpriseId, jobOrders.jobId],
          set: { customer: input.customer, plannedQty: input.plannedQty ?? null },
        })
        .returning();
      if (!row) throw new WeftError("INTERNAL", "order not stored");
      await audit(tx, ctx.principal, "order.upsert", `enterprise:${ent.id}`, { jobId: input.jobId });
      return { ...row, createdAt: row.createdAt.getTime() };
    });
  }),

  rates: createTRPCRouter({
    /** The enterprise's settlement rates (null: none set yet, so no settlement line). */
    get: scopedProcedure({
      roles: ALL_ROLES,
      input: z.object({ enterprise: Ref }),
      touches: (i) => ({ enterprise: i.enterprise }),
    }).query(async ({ ctx }) => {
      const [r] = await ctx.handle.db
        .select()
        .from(settlementRates)
        .where(eq(settlementRates.enterpriseId, ctx.scope.enterprise.id));
      return r ? { ...r, updatedAt: r.updatedAt.getTime() } : null;
    }),

    /** Set the rates: per machine-hour, per kWh, per 1,000 sheets, and the waste allowance. */
    set: scopedProcedure({
      roles: ALL_ROLES,
      mode: "write",
      input: z.object({ enterprise: Ref, rates: RatesInput }),
      touches: (i) => ({ enterprise: i.enterprise }),
    }).mutation(async ({ ctx, input }) => {
      const ent = ctx.scope.enterprise;
      const values = { ...input.rates, updatedBy: ctx.user.id, updatedAt: new Date(ctx.now()) };
      return ctx.handle.db.transaction(async (tx) => {
        const [r] = await tx
          .insert(settlementRates)
          .values({ enterpriseId: ent.id, ...values })
          .onConflictDoUpdate({ target: settlementRates.enterpriseId, set: values })
          .returning();
        if (!r) throw new WeftError("INTERNAL", "rates not stored");
        await audit(tx, ctx.principal, "settlementRates.set", `enterprise:${ent.id}`, input.rates);
        return { ...r, updatedAt: r.updatedAt.getTime() };
      });
    }),
  }),
});
