import { WeftError } from "@weft/core";
import { queryRows } from "@weft/db";
import { ALERT_KINDS, ALERT_STATUSES, alertRules, alerts, parks, WEBHOOK_FORMATS } from "@weft/db/schema";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { ALL_ROLES } from "../auth/access.ts";
import { type AlertRuleRow, alertFilter, alertRuleFilter } from "../auth/operations.ts";
import type { Principal, UserPrincipal } from "../auth/principal.ts";
import type { BrainContext } from "../context.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);
const Id = z.number().int().positive();

const Params = z
  .object({
    minutes: z.number().int().min(0).max(10_080).optional(),
    ratio: z.number().min(0).max(1).optional(),
  })
  .strict();

const WebhookUrl = z
  .string()
  .trim()
  .max(2_000)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), { message: "a webhook address starts with http:// or https://" });

const Webhook = {
  webhookUrl: WebhookUrl.nullish(),
  webhookFormat: z.enum(WEBHOOK_FORMATS).optional(),
  /** DingTalk's SEC… secret or the generic webhook's HMAC key; empty string clears it. */
  webhookSecret: z.string().max(200).nullish(),
};

/** A rule as callers see it: the webhook secret never leaves the brain. */
function presentRule(r: AlertRuleRow) {
  const { webhookSecret, createdAt, ...rest } = r;
  return { ...rest, hasSecret: !!webhookSecret, createdAt: createdAt.getTime() };
}

function checkKindScope(kind: (typeof ALERT_KINDS)[number], enterpriseId: number | null): void {
  if (kind === "coverage-below" && enterpriseId !== null) {
    throw new WeftError(
      "VALIDATION_FAILED",
      "coverage is measured per park: a coverage rule needs a park or city",
      {
        field: "kind",
        fix: "set the rule on a park or the city instead of an enterprise",
      },
    );
  }
}

const rulesRouter = createTRPCRouter({
  /** The rules the caller may see (optionally of one park or enterprise). */
  list: scopedProcedure({
    roles: ALL_ROLES,
    input: z.object({ park: Ref.optional(), enterprise: Ref.optional() }).default({}),
    touches: (i) => ({ park: i.park, enterprise: i.enterprise }),
    lists: ["alerts"],
  }).query(async ({ ctx }) => {
    const { park, enterprise } = ctx.scope;
    const rows = await ctx.handle.db
      .select()
      .from(alertRules)
      .where(
        and(
          alertRuleFilter(ctx.user),
          park ? eq(alertRules.parkId, park.id) : undefined,
          enterprise ? eq(alertRules.enterpriseId, enterprise.id) : undefined,
        ),
      )
      .orderBy(alertRules.id);
    return rows.map(presentRule);
  }),

  /** A rule on an enterprise, a park or the city (the most specific one named), set without code. */
  create: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({
      name: z.string().trim().min(1).max(120),
      kind: z.enum(ALERT_KINDS),
      params: Params.default({}),
      city: Ref.optional(),
      park: Ref.optional(),
      enterprise: Ref.optional(),
      enabled: z.boolean().default(true),
      ...Webhook,
    }),
    touches: (i) => ({ city: i.city, park: i.park, enterprise: i.enterprise }),
  }).mutation(async ({ ctx, input }) => {
    const { city, park, enterprise } = ctx.scope;
    let scope: { cityId: number; parkId: number | null; enterpriseId: number | null };
    if (enterprise) {
      const [p] = await ctx.handle.db.select().from(parks).where(eq(parks.id, enterprise.parkId));
      if (!p) throw new WeftError("NOT_FOUND", "the enterprise's park is gone", { field: "enterprise" });
      scope = { cityId: p.cityId, parkId: p.id, enterpriseId: enterprise.id };
    } else if (park) scope = { cityId: park.cityId, parkId: park.id, enterpriseId: null };
    else if (city) scope = { cityId: city.id, parkId: null, enterpriseId: null };
    else {
      throw new WeftError("VALIDATION_FAILED", "a rule needs an enterprise, a park or a city", {
        field: "enterprise",
        fix: "name the enterprise, park or city the rule watches",
      });
    }
    checkKindScope(input.kind, scope.enterpriseId);
    return ctx.handle.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(alertRules)
        .values({
          ...scope,
          name: input.name,
          kind: input.kind,
          params: input.params,
          enabled: input.enabled,
          webhookUrl: input.webhookUrl ?? null,
          webhookFormat: input.webhookFormat ?? "json",
          webhookSecret: input.webhookSecret || null,
          createdBy: ctx.user.id,
        })
        .returning();
      if (!row) throw new WeftError("INTERNAL", "alert rule not stored");
      await audit(tx, ctx.principal, "alertRule.create", `alertRule:${row.id}`, { kind: row.kind });
      return presentRule(row);
    });
  }),

  /** Change a rule's name, thresholds, webhook, or switch it off (its open alerts then resolve). */
  update: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({
      rule: Id,
      name: z.string().trim().min(1).max(120).optional(),
      params: Params.optional(),
      enabled: z.boolean().optional(),
      ...Webhook,
    }),
    touches: (i) => ({ alertRule: i.rule }),
    fields: { alertRule: "rule" },
  }).mutation(async ({ ctx, input }) => {
    const r = ctx.scope.alertRule;
    const set: Partial<typeof alertRules.$inferInsert> = {};
    if (input.name !== undefined) set.name = input.name;
    if (input.params !== undefined) set.params = input.params;
    if (input.enabled !== undefined) set.enabled = input.enabled;
    if (input.webhookUrl !== undefined) set.webhookUrl = input.webhookUrl;
    if (input.webhookFormat !== undefined) set.webhookFormat = input.webhookFormat;
    if (input.webhookSecret !== undefined) set.webhookSecret = input.webhookSecret || null;
    return ctx.handle.db.transaction(async (tx) => {
      const [row] =
        Object.keys(set).length === 0
          ? [r]
          : await tx.update(alertRules).set(set).where(eq(alertRules.id, r.id)).returning();
      if (!row) throw new WeftError("INTERNAL", "alert rule not updated");
      await audit(tx, ctx.principal, "alertRule.update", `alertRule:${r.id}`, { fields: Object.keys(set) });
      return presentRule(row);
    });
  }),
});

interface AlertListRow {
  id: unknown;
  rule_id: number;
  rule_name: string;
  kind: string;
  subject: string;
  subject_label: string;
  subject_label_en: string | null;
  status: string;
  value: number | null;
  opened_at: unknown;
  acknowledged_at: unknown;
  resolved_at: unknown;
}
const t = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).getTime());

/** One alert's change with its history, for the acknowledge and resolve mutations. */
async function transition(
  ctx: BrainContext & { user: UserPrincipal; principal: Principal },
  alertId: number,
  action: "acknowledge" | "resolve",
) {
  const at = new Date(ctx.now());
  return ctx.handle.db.transaction(async (tx) => {
    // Idempotent: acknowledging twice or resolving a resolved alert changes nothing and adds no history.
    const changed =
      action === "acknowledge"
        ? await tx
            .update(alerts)
            .set({ status: "acknowledged", acknowledgedAt: at, acknowledgedBy: ctx.user.id })
            .where(and(eq(alerts.id, alertId), eq(alerts.status, "open")))
            .returning()
        : await tx
            .update(alerts)
            .set({ status: "resolved", resolvedAt: at, resolvedBy: ctx.user.id })
            .where(and(eq(alerts.id, alertId), sql`${alerts.status} <> 'resolved'`))
            .returning();
    if (changed.length > 0) {
      await tx.execute(
        sql`insert into alert_events (alert_id, action, actor_user_id, at) values (${alertId}, ${action}, ${ctx.user.id}, ${at.toISOString()}::timestamptz)`,
      );
      await audit(tx, ctx.principal, `alert.${action}`, `alert:${alertId}`);
    }
    const [row] = await tx.select().from(alerts).where(eq(alerts.id, alertId));
    return { id: alertId, status: row?.status ?? "resolved", changed: changed.length > 0 };
  });
}

export const alertsRouter = createTRPCRouter({
  rules: rulesRouter,

  /**
   * Alerts the caller may see, newest first, each with its history (who, when), and the counts
   * for the app's badge.
   */
  list: scopedProcedure({
    roles: ALL_ROLES,
    input: z
      .object({
        park: Ref.optional(),
        enterprise: Ref.optional(),
        status: z.enum([...ALERT_STATUSES, "unresolved"]).optional(),
        limit: z.number().int().min(1).max(500).default(100),
      })
      .default({ limit: 100 }),
    touches: (i) => ({ park: i.park, enterprise: i.enterprise }),
    lists: ["alerts"],
  }).query(async ({ ctx, input }) => {
    const { park, enterprise } = ctx.scope;
    const visible = alertFilter(ctx.user) ?? sql`true`;
    const where = sql.join(
      [
        visible,
        park ? sql`r.park_id = ${park.id}` : sql`true`,
        enterprise ? sql`r.enterprise_id = ${enterprise.id}` : sql`true`,
      ],
      sql` and `,
    );
    const statusCond =
      input.status === undefined
        ? sql`true`
        : input.status === "unresolved"
          ? sql`alerts.status <> 'resolved'`
          : sql`alerts.status = ${input.status}`;
    const rows = await queryRows<AlertListRow>(
      ctx.handle.db,
      sql`select alerts.id, alerts.rule_id, r.name as rule_name, r.kind, alerts.subject, alerts.subject_label, alerts.subject_label_en, alerts.status, alerts.value,
            alerts.opened_at, alerts.acknowledged_at, alerts.resolved_at
          from alerts join alert_rules r on r.id = alerts.rule_id
          where ${where} and ${statusCond} order by alerts.opened_at desc, alerts.id desc limit ${input.limit}`,
    );
    const counts = await queryRows<{ status: string; n: unknown }>(
      ctx.handle.db,
      sql`select alerts.status, count(*) as n from alerts join alert_rules r on r.id = alerts.rule_id
          where ${where} and alerts.status <> 'resolved' group by alerts.status`,
    );
    const ids = rows.map((r) => Number(r.id));
    const events = ids.length
      ? await queryRows<{ alert_id: unknown; action: string; at: unknown; actor: string | null }>(
          ctx.handle.db,
          sql`select e.alert_id, e.action, e.at, coalesce(nullif(u.name, ''), u.email) as actor
              from alert_events e left join users u on u.id = e.actor_user_id
              where e.alert_id in (${sql.join(ids, sql`, `)}) order by e.at, e.id`,
        )
      : [];
    const count = (s: string) => Number(counts.find((c) => c.status === s)?.n ?? 0);
    return {
      counts: { open: count("open"), acknowledged: count("acknowledged") },
      items: rows.map((r) => ({
        id: Number(r.id),
        ruleId: r.rule_id,
        ruleName: r.rule_name,
        kind: r.kind,
        subject: r.subject,
        subjectLabel: r.subject_label,
        subjectLabelEn: r.subject_label_en,
        status: r.status,
        value: r.value === null ? null : Number(r.value),
        openedAt: t(r.opened_at),
        acknowledgedAt: t(r.acknowledged_at),
        resolvedAt: t(r.resolved_at),
        history: events
          .filter((e) => Number(e.alert_id) === Number(r.id))
          .map((e) => ({ action: e.action, at: t(e.at), actor: e.actor })),
      })),
    };
  }),

  /** Someone is on it: open → acknowledged, with who and when. */
  acknowledge: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({ alert: Id }),
    touches: (i) => ({ alert: i.alert }),
  }).mutation(({ ctx, input }) => transition(ctx, input.alert, "acknowledge")),

  /** Closed by hand (the evaluator also resolves an alert when its condition clears). */
  resolve: scopedProcedure({
    roles: ALL_ROLES,
    mode: "write",
    input: z.object({ alert: Id }),
    touches: (i) => ({ alert: i.alert }),
  }).mutation(({ ctx, input }) => transition(ctx, input.alert, "resolve")),
});
