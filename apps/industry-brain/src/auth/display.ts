import { randomBytes } from "node:crypto";
import { displayTokens } from "@weft/db/schema";
import { and, eq, isNull } from "drizzle-orm";
import type { BrainContext } from "../context.ts";
import { sha256Hex } from "./crypto.ts";

export interface DisplayPrincipal {
  tokenId: number;
  cityId: number;
  parkId: number | null;
}

/** A new display token: shown once to the city-admin; only its SHA-256 is stored. */
export function newDisplayToken(): { token: string; hash: string } {
  const token = `wd_${randomBytes(24).toString("base64url")}`;
  return { token, hash: sha256Hex(token) };
}

/** The display named by `Authorization: Display <token>`, or null when missing, unknown or revoked. */
export async function resolveDisplay(ctx: BrainContext): Promise<DisplayPrincipal | null> {
  const m = /^Display\s+(wd_[A-Za-z0-9_-]{16,64})$/.exec(ctx.authorization ?? "");
  if (!m?.[1]) return null;
  const [row] = await ctx.handle.db
    .update(displayTokens)
    .set({ lastUsedAt: new Date(ctx.now()) })
    .where(and(eq(displayTokens.tokenHash, sha256Hex(m[1])), isNull(displayTokens.revokedAt)))
    .returning({ id: displayTokens.id, cityId: displayTokens.cityId, parkId: displayTokens.parkId });
  return row ? { tokenId: row.id, cityId: row.cityId, parkId: row.parkId } : null;
}
