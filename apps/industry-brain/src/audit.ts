import type { WeftExecutor } from "@weft/db";
import { type SQL, sql } from "drizzle-orm";
import type { Principal } from "./auth/principal.ts";

/** Who, for the audit log: `user:12` or `gateway:gw-1` (or `system`). */
export function actorOf(p: Principal | null): { actor: string; actorUserId: number | null } {
  if (!p) return { actor: "system", actorUserId: null };
  return p.kind === "user"
    ? { actor: `user:${p.user.id}`, actorUserId: p.user.id }
    : { actor: `gateway:${p.gateway.id}`, actorUserId: null };
}

/**
 * Record a write. Call it in the same transaction as the write so neither exists without the other.
 * @example await audit(tx, ctx.principal, "gateway.create", `gateway:${id}`, { enterpriseId });
 */
export async function audit(
  db: WeftExecutor,
  principal: Principal | null,
  action: string,
  target: string,
  details?: Record<string, unknown>,
): Promise<void> {
  await db.execute(auditSql(principal, action, target, details));
}

/**
 * The audit row as one INSERT statement: `audit()` runs it, and the ingest path sends it with its
 * other writes in one round trip (`runWrites`). No details → SQL NULL.
 */
export function auditSql(
  principal: Principal | null,
  action: string,
  target: string,
  details?: Record<string, unknown>,
): SQL {
  const { actor, actorUserId } = actorOf(principal);
  return sql`insert into audit_log (actor, actor_user_id, action, target, details)
    values (${actor}, ${actorUserId}::int4, ${action}, ${target}, ${details === undefined ? null : JSON.stringify(details)}::jsonb)`;
}
