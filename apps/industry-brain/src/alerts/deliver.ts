import { type DbHandle, queryRows } from "@weft/db";
import type { AlertKind, WebhookFormat } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { nextAttemptAt, type RetryPolicy } from "./backoff.ts";
import { refuseTarget } from "./target.ts";
import { accepted, buildWebhook } from "./webhook.ts";

export interface DeliveryOptions {
  now: () => number;
  random?: () => number;
  policy?: RetryPolicy;
  /** Per request (ms). */
  timeoutMs?: number;
  /** How long a claimed delivery stays away from other workers while it is being sent. */
  leaseMs?: number;
  /** Allow loopback and private webhook addresses (`WEFT_WEBHOOK_ALLOW_PRIVATE`); refused by default. */
  allowPrivateTargets?: boolean;
}

export interface DeliveryResult {
  delivered: number;
  retried: number;
  failed: number;
}

interface Due {
  id: unknown;
  alert_id: unknown;
  event: "open" | "resolve";
  attempts: number;
  next_attempt_at: unknown;
  webhook_url: string;
  webhook_format: WebhookFormat;
  webhook_secret: string | null;
  rule_id: number;
  rule_name: string;
  kind: AlertKind;
  subject: string;
  subject_label: string;
  value: number | null;
  opened_at: unknown;
  resolved_at: unknown;
}

async function send(req: { url: string; headers: Record<string, string>; body: string }, timeoutMs: number) {
  const r = await fetch(req.url, {
    method: "POST",
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: r.status, body: await r.text() };
}

/**
 * Send the due webhook deliveries. Each is claimed first (its next attempt moved a lease ahead, only
 * if nobody moved it meanwhile), so two brain replicas never send the same one at once; a failure is
 * retried on the backoff schedule and marked failed after the last attempt.
 */
export async function deliverDue(h: DbHandle, opts: DeliveryOptions): Promise<DeliveryResult> {
  const now = opts.now();
  const iso = new Date(now).toISOString();
  const due = await queryRows<Due>(
    h.db,
    sql`select d.id, d.alert_id, d.event, d.attempts, d.next_attempt_at, r.webhook_url, r.webhook_format,
          r.webhook_secret, r.id as rule_id, r.name as rule_name, r.kind, a.subject, a.subject_label, a.value,
          a.opened_at, a.resolved_at
        from alert_deliveries d join alerts a on a.id = d.alert_id join alert_rules r on r.id = a.rule_id
        where d.status = 'pending' and d.next_attempt_at <= ${iso}::timestamptz
        order by d.next_attempt_at limit 50`,
  );
  const out: DeliveryResult = { delivered: 0, retried: 0, failed: 0 };
  for (const d of due) {
    const lease = new Date(now + (opts.leaseMs ?? 60_000)).toISOString();
    const claimed = await queryRows<{ id: unknown }>(
      h.db,
      sql`update alert_deliveries set next_attempt_at = ${lease}::timestamptz
          where id = ${d.id} and status = 'pending' and next_attempt_at = ${d.next_attempt_at}::timestamptz returning id`,
    );
    if (claimed.length === 0) continue;
    let error: string | null;
    if (!d.webhook_url) error = "the rule has no webhook any more";
    else {
      const req = buildWebhook(
        d.webhook_format,
        d.webhook_url,
        d.webhook_secret,
        {
          alertId: Number(d.alert_id),
          event: d.event,
          rule: { id: d.rule_id, name: d.rule_name, kind: d.kind },
          subject: d.subject,
          subjectLabel: d.subject_label,
          value: d.value === null ? null : Number(d.value),
          openedAt: new Date(d.opened_at as string).getTime(),
          resolvedAt: d.resolved_at === null ? null : new Date(d.resolved_at as string).getTime(),
        },
        opts.now(),
      );
      try {
        error = await refuseTarget(req.url, opts.allowPrivateTargets ?? false);
        if (error === null) {
          const r = await send(req, opts.timeoutMs ?? 10_000);
          error = accepted(d.webhook_format, r.status, r.body).error;
        }
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
      }
    }
    const attempts = d.attempts + 1;
    if (error === null) {
      out.delivered++;
      await h.db.execute(
        sql`update alert_deliveries set status = 'delivered', attempts = ${attempts}, delivered_at = ${new Date(opts.now()).toISOString()}::timestamptz, last_error = null where id = ${d.id}`,
      );
      continue;
    }
    const next = nextAttemptAt(attempts, opts.now(), (opts.random ?? Math.random)(), opts.policy);
    if (next === null) out.failed++;
    else out.retried++;
    await h.db.execute(
      next === null
        ? sql`update alert_deliveries set status = 'failed', attempts = ${attempts}, last_error = ${error} where id = ${d.id}`
        : sql`update alert_deliveries set attempts = ${attempts}, last_error = ${error}, next_attempt_at = ${new Date(next).toISOString()}::timestamptz where id = ${d.id}`,
    );
  }
  return out;
}
