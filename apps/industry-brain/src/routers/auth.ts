import { WeftError } from "@weft/core";
import { sessions, users } from "@weft/db/schema";
import { and, eq, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { hashPassword, newSessionToken, sha256Hex, verifyPassword } from "../auth/crypto.ts";
import { loadUserPrincipal, readCookie, resolveSession } from "../auth/principal.ts";
import { assertNotLimited, checkRateLimit } from "../auth/rate-limit.ts";
import type { BrainContext } from "../context.ts";
import { authedProcedure, createTRPCRouter, publicProcedure } from "../trpc.ts";

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
  if (ctx.settings.cookieSecure) parts.push("Secure");
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
});

export const authRouter = createTRPCRouter({
  /** Sign in: sets an httpOnly, SameSite=Lax session cookie. Rate-limited per e-mail and per address. */
  login: publicProcedure
    .input(
      z.object({
        email: z.string().trim().toLowerCase().email().max(200),
        password: z.string().min(1).max(200),
      }),
    )
    .output(Me)
    .mutation(async ({ ctx, input }) => {
      // Failed attempts are limited per e-mail and per client address.
      const ipKey = `login:ip:${ctx.clientIp}`;
      const emailKey = `login:email:${input.email}`;
      await assertNotLimited(ctx, ipKey, ctx.limits.loginPerMinute * 3);
      await assertNotLimited(ctx, emailKey, ctx.limits.loginPerMinute);
      const [u] = await ctx.handle.db
        .select()
        .from(users)
        .where(sql`lower(${users.email}) = ${input.email}`)
        .limit(1);
      dummyHash ??= hashPassword("weft-timing-equaliser");
      const ok = await verifyPassword(input.password, u?.passwordHash ?? (await dummyHash));
      if (!u || !ok) {
        await ctx.rateLimiter.hit(ipKey, Number.MAX_SAFE_INTEGER, ctx.now());
        await ctx.rateLimiter.hit(emailKey, Number.MAX_SAFE_INTEGER, ctx.now());
        throw new WeftError("UNAUTHORIZED", "wrong e-mail or password");
      }
      // Said only to someone who knows the password, so it reveals nothing to a guesser.
      if (u.disabledAt !== null) {
        throw new WeftError("UNAUTHORIZED", "this account is disabled", {
          fix: "ask a city administrator to enable it",
        });
      }
      const token = newSessionToken();
      const expiresAt = new Date(ctx.now() + ctx.settings.sessionTtlMs);
      // Loaded before the transaction: embedded PGlite has a single connection.
      const principal = await loadUserPrincipal(ctx, u);
      await ctx.handle.db.transaction(async (tx) => {
        await tx
          .delete(sessions)
          .where(and(eq(sessions.userId, u.id), lt(sessions.expiresAt, new Date(ctx.now()))));
        await tx.insert(sessions).values({ tokenHash: sha256Hex(token), userId: u.id, expiresAt });
        await audit(tx, { kind: "user", user: principal }, "auth.login", `user:${u.id}`);
      });
      ctx.setCookie(sessionCookie(ctx, token, Math.floor(ctx.settings.sessionTtlMs / 1000)));
      await ctx.rateLimiter.reset(emailKey);
      return principal;
    }),

  /** Sign out: deletes the session and clears the cookie. */
  logout: publicProcedure.mutation(async ({ ctx }) => {
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
  me: publicProcedure.output(Me.nullable()).query(({ ctx }) => resolveSession(ctx)),

  /** Change one's own password (all other sessions end). */
  changePassword: authedProcedure
    .input(
      z.object({
        current: z.string().min(1).max(200),
        next: z.string().min(10, "use at least 10 characters").max(200),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await checkRateLimit(ctx, `password:${ctx.user.id}`, ctx.limits.loginPerMinute);
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
