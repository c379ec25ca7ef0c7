import type { UserRole } from "@weft/db/schema";
import { gateways, sessions, userParks, users } from "@weft/db/schema";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { BrainContext } from "../context.ts";
import { apiKeyPrefix, sameDigest, sha256Hex } from "./crypto.ts";

export interface UserPrincipal {
  id: number;
  email: string;
  name: string;
  role: UserRole;
  cityId: number | null;
  enterpriseId: number | null;
  /** Parks a park-manager manages (empty for other roles). */
  parkIds: number[];
  locale: string | null;
}

export interface GatewayPrincipal {
  id: string;
  enterpriseId: number;
  name: string;
}

export type Principal =
  | { kind: "user"; user: UserPrincipal }
  | { kind: "gateway"; gateway: GatewayPrincipal };

/** Read one cookie from a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The signed-in user from the session cookie, or null. Memoised per request. */
export async function resolveSession(ctx: BrainContext): Promise<UserPrincipal | null> {
  if (ctx.memo.has("user")) return ctx.memo.get("user") as UserPrincipal | null;
  const token = readCookie(ctx.cookieHeader, ctx.settings.sessionCookie);
  const user = token ? await loadSessionUser(ctx, token) : null;
  ctx.memo.set("user", user);
  return user;
}

async function loadSessionUser(ctx: BrainContext, token: string): Promise<UserPrincipal | null> {
  const { db } = ctx.handle;
  const rows = await db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sha256Hex(token)),
        gt(sessions.expiresAt, new Date(ctx.now())),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  const u = rows[0]?.user;
  if (!u) return null;
  return loadUserPrincipal(ctx, u);
}

/** The principal for a user row (parks filled in for park managers). */
export async function loadUserPrincipal(
  ctx: Pick<BrainContext, "handle">,
  u: typeof users.$inferSelect,
): Promise<UserPrincipal> {
  const parkIds =
    u.role === "park-manager"
      ? (
          await ctx.handle.db
            .select({ parkId: userParks.parkId })
            .from(userParks)
            .where(eq(userParks.userId, u.id))
        ).map((r) => r.parkId)
      : [];
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    cityId: u.cityId,
    enterpriseId: u.enterpriseId,
    parkIds,
    locale: u.locale,
  };
}

/** The gateway named by `Authorization: Bearer <key>`, or null when missing, unknown or revoked. */
export async function resolveGateway(ctx: BrainContext): Promise<GatewayPrincipal | null> {
  if (ctx.memo.has("gateway")) return ctx.memo.get("gateway") as GatewayPrincipal | null;
  const gw = await loadGateway(ctx);
  ctx.memo.set("gateway", gw);
  return gw;
}

async function loadGateway(ctx: BrainContext): Promise<GatewayPrincipal | null> {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.authorization ?? "");
  const key = m?.[1];
  const prefix = key ? apiKeyPrefix(key) : null;
  if (!key || !prefix) return null;
  const rows = await ctx.handle.db
    .select({
      id: gateways.id,
      enterpriseId: gateways.enterpriseId,
      name: gateways.name,
      hash: gateways.apiKeyHash,
      revokedAt: gateways.revokedAt,
    })
    .from(gateways)
    .where(eq(gateways.apiKeyPrefix, prefix))
    .limit(1);
  const row = rows[0];
  if (!row || row.revokedAt !== null || !sameDigest(row.hash, sha256Hex(key))) return null;
  return { id: row.id, enterpriseId: row.enterpriseId, name: row.name };
}
