import { initTRPC, TRPCError } from "@trpc/server";
import { WeftError } from "@weft/core";
import { type Principal, resolveGateway, resolveSession, type UserPrincipal } from "./auth/principal.ts";
import { checkRateLimit } from "./auth/rate-limit.ts";
import type { BrainContext } from "./context.ts";
import { formatError } from "./errors.ts";

const t = initTRPC.context<BrainContext>().create({
  errorFormatter: formatError,
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/** Anyone; no credentials needed. */
export const publicProcedure = t.procedure;

/** A signed-in person (session cookie). */
export const authedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const user = await resolveSession(ctx);
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  return next({ ctx: { ...ctx, user, principal: { kind: "user", user } satisfies Principal } });
});

function requireRole(...roles: UserPrincipal["role"][]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (!roles.includes(ctx.user.role)) {
      throw new WeftError("FORBIDDEN", `this needs the role ${roles.join(" or ")}`);
    }
    return next();
  });
}

/** City administrators only. */
export const cityAdminProcedure = requireRole("city-admin");
/** City administrators and park managers (scope checks narrow a manager to their parks). */
export const parkManagerProcedure = requireRole("city-admin", "park-manager");

/** An edge gateway: `Authorization: Bearer <api key>`; ingest only, for its enterprise's machines. */
export const gatewayProcedure = t.procedure.use(async ({ ctx, next }) => {
  const gateway = await resolveGateway(ctx);
  if (!gateway) throw new TRPCError({ code: "UNAUTHORIZED", message: "missing, unknown or revoked API key" });
  await checkRateLimit(ctx, `ingest:${gateway.id}`, ctx.limits.ingestPerMinute);
  return next({ ctx: { ...ctx, gateway, principal: { kind: "gateway", gateway } satisfies Principal } });
});
