import { initTRPC, TRPCError } from "@trpc/server";
import type { z } from "zod";
import {
  type Access,
  type AccessRole,
  checkRole,
  type Listed,
  resolveTouches,
  type Touches,
} from "./auth/access.ts";
import { resolveDisplay } from "./auth/display.ts";
import { type Principal, resolveGateway, resolveSession } from "./auth/principal.ts";
import { checkRateLimit } from "./auth/rate-limit.ts";
import type { BrainContext } from "./context.ts";
import { invalidateCitySummaries } from "./coverage/summary.ts";
import { formatError } from "./errors.ts";

/** Every procedure carries its declared access; `test/e2e/access-declared.test.ts` checks them all. */
export interface BrainMeta {
  access: Access;
}

const t = initTRPC.context<BrainContext>().meta<BrainMeta>().create({
  errorFormatter: formatError,
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/*
 * The one authorization layer. `t.procedure` is not exported: a procedure can only be built from
 * one of the builders below, and each of them needs a declaration of who may call it and what it
 * touches. For signed-in users the layer authenticates, checks the role (FORBIDDEN, the same for
 * every target), parses the input, then resolves every touched city, park, enterprise, machine,
 * line, gateway or user inside the caller's walls (NOT_FOUND when outside them, whether it exists
 * or not) and hands the rows to the procedure as `ctx.scope`.
 */

/** Anyone, no credentials; `reason` says why that is safe (it is listed in the access test). */
export function publicProcedure(reason: string) {
  return t.procedure.meta({ access: { kind: "public", reason } });
}

const signedIn = t.procedure.use(async ({ ctx, next }) => {
  const user = await resolveSession(ctx);
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first" });
  return next({ ctx: { ...ctx, user, principal: { kind: "user", user } satisfies Principal } });
});

/** A signed-in person acting on their own account only (e.g. changing their password). */
export function selfProcedure(reason: string) {
  return signedIn.meta({ access: { kind: "self", reason } });
}

/** An edge gateway (`Authorization: Bearer <api key>`): ingest only, into its own enterprise. */
export const gatewayProcedure = t.procedure
  .meta({ access: { kind: "gateway", reason: "writes readings of its own enterprise's machines only" } })
  .use(async ({ ctx, next }) => {
    const gateway = await resolveGateway(ctx);
    if (!gateway)
      throw new TRPCError({ code: "UNAUTHORIZED", message: "missing, unknown or revoked API key" });
    await checkRateLimit(ctx, `ingest:${gateway.id}`, ctx.limits.ingestPerMinute);
    return next({ ctx: { ...ctx, gateway, principal: { kind: "gateway", gateway } satisfies Principal } });
  });

/**
 * A wall display (`Authorization: Display <token>`): a read-only token a city-admin issued for a
 * city or one park, no user session. The procedure gets the token's city and park as `ctx.display`.
 */
export function displayProcedure(reason: string) {
  return t.procedure.meta({ access: { kind: "display", reason } }).use(async ({ ctx, next }) => {
    const display = await resolveDisplay(ctx);
    if (!display)
      throw new TRPCError({ code: "UNAUTHORIZED", message: "missing, unknown or revoked display token" });
    return next({ ctx: { ...ctx, display } });
  });
}

interface ScopeDecl<I, T extends Touches> {
  /** Who may call it at all (FORBIDDEN for anyone else, whatever the target). */
  roles: readonly AccessRole[];
  /** `write`: the touched things must be ones the caller may change, not only see. Default `read`. */
  mode?: "read" | "write";
  /** The things named by the input; each is resolved inside the caller's walls. */
  touches?: (input: I) => T;
  /** Input field names for the NOT_FOUND errors (default: the kind, e.g. `park`). */
  fields?: Partial<Record<keyof Touches, string>>;
  /** Collections listed, each narrowed by the procedure's query to the caller's walls. */
  lists?: readonly Listed[];
}

function declared(decl: ScopeDecl<never, Touches>) {
  const access: Access = {
    kind: "user",
    roles: decl.roles,
    mode: decl.mode ?? "read",
    touches: decl.touches !== undefined,
    lists: decl.lists ?? [],
  };
  if (decl.roles.length === 0 || (!access.touches && access.lists.length === 0)) {
    throw new Error("a scoped procedure needs roles, and what it touches or lists");
  }
  return signedIn.meta({ access }).use(async ({ ctx, type, next }) => {
    checkRole(ctx.user, decl.roles);
    const result = await next();
    // A user's write may change any city's coverage (declarations, rules, imports, assets).
    if (type === "mutation" && result.ok) invalidateCitySummaries(ctx.handle);
    return result;
  });
}

/** A signed-in user's procedure with input: declare roles, mode, and what the input touches. */
export function scopedProcedure<S extends z.ZodType, T extends Touches = Record<never, never>>(
  decl: ScopeDecl<z.output<S>, T> & { input: S },
) {
  const mode = decl.mode ?? "read";
  return declared(decl as ScopeDecl<never, Touches>)
    .input(decl.input)
    .use(async ({ ctx, input, next }) => {
      const touched = decl.touches ? decl.touches(input as z.output<S>) : ({} as T);
      const scope = await resolveTouches(ctx, ctx.user, touched, mode, decl.fields);
      return next({ ctx: { scope } });
    });
}

/** A signed-in user's procedure without input (it can only list what the walls let it see). */
export function listProcedure(decl: { roles: readonly AccessRole[]; lists: readonly Listed[] }) {
  return declared(decl);
}
