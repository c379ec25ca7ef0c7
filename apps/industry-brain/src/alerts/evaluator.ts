import { type DbHandle, queryRows } from "@weft/db";
import { type AlertParams, alertRules } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { loadFacts } from "./facts.ts";
import { evaluateRule, type Firing, type Rule, reconcile, type Unresolved } from "./rules.ts";

export interface EvaluationResult {
  rules: number;
  opened: number;
  resolved: number;
}

/**
 * One evaluation: every rule against the facts, then open and resolve alerts so the unresolved ones
 * match what fires. Opening goes through the `alerts_one_unresolved` index (on conflict do nothing),
 * so a restart or a second brain replica never opens a duplicate; each opened or resolved alert gets
 * its history row and, when its rule has a webhook, one outbox row.
 */
export async function evaluateAlerts(
  h: DbHandle,
  now: number,
  staleAfterMs: number,
): Promise<EvaluationResult> {
  const rows = await h.db.select().from(alertRules);
  const rules: (Rule & { webhook: boolean })[] = rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    params: r.params as AlertParams,
    enabled: r.enabled,
    cityId: r.cityId,
    parkId: r.parkId,
    enterpriseId: r.enterpriseId,
    webhook: r.webhookUrl !== null && r.webhookUrl !== "",
  }));
  const facts = await loadFacts(h, rules, now, staleAfterMs);
  const firings = new Map<number, Firing[]>();
  for (const r of rules) firings.set(r.id, evaluateRule(r, facts));
  const unresolved = (
    await queryRows<{ id: unknown; rule_id: number; subject: string }>(
      h.db,
      sql`select id, rule_id, subject from alerts where status <> 'resolved'`,
    )
  ).map((a): Unresolved => ({ id: Number(a.id), ruleId: a.rule_id, subject: a.subject }));
  const plan = reconcile(unresolved, firings);
  const hooked = new Set(rules.filter((r) => r.webhook).map((r) => r.id));
  const at = new Date(now).toISOString();
  let opened = 0;
  let resolved = 0;
  await h.db.transaction(async (tx) => {
    for (const o of plan.open) {
      const ins = await queryRows<{ id: unknown }>(
        tx,
        sql`insert into alerts (rule_id, subject, subject_label, subject_label_en, status, value, opened_at)
            values (${o.ruleId}, ${o.firing.subject}, ${o.firing.label}, ${o.firing.labelEn ?? null}, 'open', ${o.firing.value}, ${at}::timestamptz)
            on conflict (rule_id, subject) where status <> 'resolved' do nothing returning id`,
      );
      const id = ins[0]?.id;
      if (id === undefined) continue;
      opened++;
      await tx.execute(
        sql`insert into alert_events (alert_id, action, at) values (${id}, 'open', ${at}::timestamptz)`,
      );
      if (hooked.has(o.ruleId)) {
        await tx.execute(
          sql`insert into alert_deliveries (alert_id, event, next_attempt_at) values (${id}, 'open', ${at}::timestamptz)
              on conflict do nothing`,
        );
      }
    }
    for (const id of plan.resolve) {
      const done = await queryRows<{ id: unknown; rule_id: number }>(
        tx,
        sql`update alerts set status = 'resolved', resolved_at = ${at}::timestamptz
            where id = ${id} and status <> 'resolved' returning id, rule_id`,
      );
      const row = done[0];
      if (!row) continue;
      resolved++;
      await tx.execute(
        sql`insert into alert_events (alert_id, action, at) values (${id}, 'resolve', ${at}::timestamptz)`,
      );
      if (hooked.has(row.rule_id)) {
        await tx.execute(
          sql`insert into alert_deliveries (alert_id, event, next_attempt_at) values (${id}, 'resolve', ${at}::timestamptz)
              on conflict do nothing`,
        );
      }
    }
  });
  return { rules: rules.length, opened, resolved };
}
