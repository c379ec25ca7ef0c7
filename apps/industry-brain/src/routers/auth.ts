import { WeftError } from "@weft/core";
import { sessions, users } from "@weft/db/schema";
import { and, eq, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { hashPassword, needsRehash, newSessionToken, sha256Hex, verifyPassword } from "../auth/crypto.ts";
import {
  forgetAttempts,
  isKnownAddress,
  rememberAddress,
  reserveAttempt,
  tooManyAttempts,
} from "../auth/login-throttle.ts";
import { loadUserPrincipal, readCookie, resolveSession, type UserPrincipal } from "../auth/principal.ts";
import { checkRateLimit } from "../auth/rate-limit.ts";
import { timeZoneOf } from "../auth/zone.ts";
import type { BrainContext } from "../context.ts";
import { createTRPCRouter, publicProcedure, selfProcedure } from "../trpc.ts";

/** A dummy hash so unknown e-mails cost the same time as wrong passwords. */
let dummyHash: Promise<string> | undefined;

function sessionCookie(ctx: BrainContext, token: string, maxAgeS: number): string {
  const parts = [
    `${ctx.settings.sessionCookie}=${encodeURIComponent(token)}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAgeS}`,
  ];
  // Over HTTPS (or behind a trusted TLS proxy) the cookie never travels in clear text.
  if (ctx.settings.cookieSecure || ctx.secure) parts.push("Secure");
  return parts.join("; ");
}

const Me = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["city-admin", "park-manager", "enterprise-user"]),
  cityId: z.number().nullable(),
  enterpriseId: z.number().nullable(),
  parkIds: z.array(z.number()),
  locale: z.string().nullable(),
  /** The IANA zone the user's data lives in (their enterprise's, else their city's): shifts, days and times are shown in it. */
  timeZone: z.string().nullable(),
});

async function withTimeZone(ctx: Pick<BrainContext, "handle">, u: UserPrincipal | null) {
  return u ? { ...u, timeZone: await timeZoneOf(ctx, u) } : null;
}

export const authRouter = createTRPCRouter({
  /** Sign in: sets an httpOnly, SameSite=Lax session cookie. Rate-limited per e-mail and per address. */
  login: publicProcedure("signing in needs no session; attempts are throttled before the hash")
    .input(
      z.object({
        email: z.string().trim().toLowerCase().email().max(200),
        password: z.string().min(1).max(200),
      }),
    )
    .output(Me)
    .mutation(async ({ ctx, input }) => {
      const { db } = ctx.handle;
      const limits = ctx.limits.login;
      const now = ctx.now();
      const ip = ctx.clientIp;
      const pairKey = `login:pair:${ip}|${input.email}`;
      // Every attempt is counted here, before the hash: parallel guesses cannot pass together.
      const throttles: [string, number][] = [
        [pairKey, limits.perAccountAndAddress],
        [`login:ip:${ip}`, limits.perAddress],
      ];
      if (!(await isKnownAddress(db, input.email, ip, now))) {
        throttles.push([`login:account:${input.email}`, limits.perAccount]);
      }
      for (const [key, free] of throttles) {
        const r = await reserveAttempt(db, key, free, limits.maxDelayMs, now);
        if (!r.ok) {
          if (key.startsWith("login:account:")) {
            ctx.logger.warn(
              { email: input.email, ip },
              "sign-in attempts on one account from many addresses",
            );
          }
          throw tooManyAttempts(r.retryAfterMs);
        }
      }
      const [u] = await db.select().from(users).where(sql`lower(${users.email}) = ${input.email}`).limit(1);
      dummyHash ??= hashPassword("weft-timing-equaliser");
      const ok = await verifyPassword(input.password, u?.passwordHash ?? (await dummyHash));
      if (!u || !ok) throw new WeftError("UNAUTHORIZED", "wrong e-mail or password");
      // Said only to someone who knows the password, so it reveals nothing to a guesser.
      if (u.disabledAt !== null) {
        throw new WeftError("UNAUTHORIZED", "this account is disabled", {
          fix: "ask a city administrator to enable it",
        });
      }
      // A hash older than argon2id with today's parameters is replaced now that we know the password.
      const rehash = needsRehash(u.passwordHash) ? await hashPassword(input.password) : null;
      const token = newSessionToken();
      const expiresAt = new Date(now + ctx.settings.sessionTtlMs);
      // Loaded before the transaction: embedded PGlite has a single connection.
      const principal = await loadUserPrincipal(ctx, u);
      const timeZone = await timeZoneOf(ctx, principal);
      await db.transaction(async (tx) => {
        await tx
          .delete(sessions)
          .where(and(eq(sessions.userId, u.id), lt(sessions.expiresAt, new Date(now))));
        await tx.insert(sessions).values({ tokenHash: sha256Hex(token), userId: u.id, expiresAt });
        if (rehash) await tx.update(users).set({ passwordHash: rehash }).where(eq(users.id, u.id));
        await audit(
          tx,
          { kind: "user", user: principal },
          "auth.login",
          `user:${u.id}`,
          // The address is the TCP peer's, or what a trusted proxy says: never a client's own claim.
          { ip, ...(rehash ? { passwordRehashed: "argon2id" } : {}) },
        );
      });
      ctx.setCookie(sessionCookie(ctx, token, Math.floor(ctx.settings.sessionTtlMs / 1000)));
      await forgetAttempts(db, pairKey);
      await rememberAddress(db, input.email, ip, now);
      return { ...principal, timeZone };
    }),

  /** Sign out: deletes the session and clears the cookie. */
  logout: publicProcedure("ends the caller's own session, if any").mutation(async ({ ctx }) => {
    const token = readCookie(ctx.cookieHeader, ctx.settings.sessionCookie);
    if (token) {
      const user = await resolveSession(ctx);
      await ctx.handle.db.transaction(async (tx) => {
        await tx.delete(sessions).where(eq(sessions.tokenHash, sha256Hex(token)));
        if (user) await audit(tx, { kind: "user", user }, "auth.logout", `user:${user.id}`);
      });
    }
    ctx.setCookie(sessionCookie(ctx, "", 0));
    return { ok: true as const };
  }),

  /** The signed-in user, or null. */
  me: publicProcedure("says who the caller is, or null")
    .output(Me.nullable())
    .query(async ({ ctx }) => withTimeZone(ctx, await resolveSession(ctx))),

  /** Change one's own password (all other sessions end). */
  changePassword: selfProcedure("changes the caller's own password only")
    .input(
      z.object({
        current: z.string().min(1).max(200),
        next: z.string().min(10, "use at least 10 characters").max(200),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await checkRateLimit(ctx, `password:${ctx.user.id}`, ctx.limits.login.perAccountAndAddress);
      const [u] = await ctx.handle.db.select().from(users).where(eq(users.id, ctx.user.id));
      if (!u || !(await verifyPassword(input.current, u.passwordHash))) {
        throw new WeftError("UNAUTHORIZED", "the current password is wrong", { field: "current" });
      }
      const hash = await hashPassword(input.next);
      const token = readCookie(ctx.cookieHeader, ctx.settings.sessionCookie) ?? "";
      await ctx.handle.db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash: hash }).where(eq(users.id, u.id));
        await tx
          .delete(sessions)
          .where(and(eq(sessions.userId, u.id), sql`${sessions.tokenHash} <> ${sha256Hex(token)}`));
        await audit(tx, ctx.principal, "auth.password_change", `user:${u.id}`);
      });
      return { ok: true as const };
    }),
});
