import type { WeftExecutor } from "@weft/db";
import { auditLog } from "@weft/db/schema";
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
 * Ingested batches are audited by `ingested_batches` (gateway, seq, time, count), not here.
 * @example await audit(tx, ctx.principal, "gateway.create", `gateway:${id}`, { enterpriseId });
 */
export async function audit(
  db: WeftExecutor,
  principal: Principal | null,
  action: string,
  target: string,
  details?: Record<string, unknown>,
): Promise<void> {
  await db.insert(auditLog).values({ ...actorOf(principal), action, target, details: details ?? null });
}
