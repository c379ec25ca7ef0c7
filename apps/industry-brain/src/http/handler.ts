import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { sql } from "drizzle-orm";
import sirv from "sirv";
import { resolveGateway, resolveSession } from "../auth/principal.ts";
import { type BrainContext, type BrainServices, createRequestContext } from "../context.ts";
import { effectiveCode, isDatabaseUnavailable, RETRY_AFTER_S, unavailable } from "../errors.ts";
import { appRouter } from "../root.ts";
import { type BodyFailure, type BodyLimits, discardRest, readBody } from "./body.ts";
import { setSecurityHeaders } from "./headers.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * The brain's HTTP routes: tRPC at `/trpc` (caller known from the headers before the body is read),
 * `GET /health`, and park-admin's files. Every response carries the security headers.
 */
export function createBrainHandler(services: BrainServices, staticDir: string | undefined): Handler {
  const { logger } = services;
  const contexts = new WeakMap<IncomingMessage, BrainContext>();
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: ({ req, res }) => contexts.get(req) ?? createRequestContext(services, req, res),
    onError: ({ error, path }) => {
      const code = effectiveCode(error);
      if (code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error.cause ?? error, path }, "procedure failed");
      else if (code === "SERVICE_UNAVAILABLE")
        logger.warn({ err: String(error.cause ?? error), path }, "database unavailable; answered 503");
      else logger.debug({ code, path, msg: error.message }, "procedure rejected");
    },
    // A 503 (database down) tells the caller when to come back.
    responseMeta: ({ errors }) =>
      errors.some((e) => effectiveCode(e) === "SERVICE_UNAVAILABLE")
        ? { headers: { "retry-after": String(RETRY_AFTER_S) } }
        : {},
  });
  const statics = staticHandler(staticDir);
  return (req, res) => {
    const url = req.url ?? "/";
    const ctx = createRequestContext(services, req, res);
    if (url === "/trpc" || url.startsWith("/trpc/") || url.startsWith("/trpc?")) {
      setSecurityHeaders(res, "api", ctx.secure);
      contexts.set(req, ctx);
      void acceptBody(ctx, req, services.limits.body).then(
        (failure) => {
          if (!failure) trpc(req, res);
          else answerEarly(req, res, failure);
        },
        (err: unknown) => {
          // Resolving the caller reads the database: a database that is down is 503, not a bug.
          if (isDatabaseUnavailable(err)) {
            logger.warn({ err: String(err) }, "database unavailable before the procedure; answered 503");
            const e = unavailable(err);
            answerEarly(req, res, {
              status: 503,
              code: "SERVICE_UNAVAILABLE",
              message: e.message,
              fix: e.fix ?? "",
              weftCode: e.code,
            });
            return;
          }
          logger.error({ err }, "request failed before the procedure");
          answerEarly(req, res, {
            status: 500,
            code: "INTERNAL_SERVER_ERROR",
            message: "internal error",
            fix: "",
          });
        },
      );
      return;
    }
    if (url === "/health" || url.startsWith("/health?")) {
      setSecurityHeaders(res, "api", ctx.secure);
      void health(services, res);
      return;
    }
    if (statics && (req.method === "GET" || req.method === "HEAD")) {
      setSecurityHeaders(res, "app", ctx.secure);
      statics(req, res, () => notFound(res));
      return;
    }
    setSecurityHeaders(res, "api", ctx.secure);
    notFound(res);
  };
}

type EarlyFailure = {
  status: number;
  code: TRPC_ERROR_CODE_KEY;
  message: string;
  fix: string;
  weftCode?: string;
};

const CODE_OF: Record<BodyFailure["status"], TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
};

/**
 * Who is calling (from the Authorization header or the session cookie), then the body within that
 * caller's limit. Returns null when tRPC may take over (`req.body` holds the text), else the answer.
 */
async function acceptBody(
  ctx: BrainContext,
  req: IncomingMessage,
  limits: BodyLimits,
): Promise<EarlyFailure | null> {
  const hasBody = !(req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS");
  if (!hasBody) return null;
  let limit = limits.anonymous;
  if (/^Bearer\s/i.test(ctx.authorization ?? "")) {
    if (await resolveGateway(ctx)) limit = limits.gateway;
    else {
      return {
        status: 401,
        code: "UNAUTHORIZED",
        message: "missing, unknown or revoked API key",
        fix: "check the gateway's apiKey; a revoked key needs a new one (gateways.rotateKey)",
      };
    }
  } else if (ctx.cookieHeader && (await resolveSession(ctx))) {
    limit = limits.user;
  }
  const r = await readBody(req, limit);
  if (!r.ok) {
    const anonymous = r.status === 413 && limit === limits.anonymous;
    const message = anonymous ? `${r.message} (not signed in)` : r.message;
    return { status: r.status, code: CODE_OF[r.status], message, fix: r.fix };
  }
  (req as IncomingMessage & { body?: string }).body = r.body;
  delete req.headers["content-encoding"];
  delete req.headers["content-length"];
  return null;
}

/** A tRPC-shaped error (an array for batch calls) sent before the procedure, then the rest discarded. */
function answerEarly(req: IncomingMessage, res: ServerResponse, f: EarlyFailure): void {
  const one = {
    error: {
      message: f.message,
      code: TRPC_ERROR_CODES_BY_KEY[f.code],
      data: {
        code: f.code,
        httpStatus: f.status,
        weftCode: f.weftCode ?? null,
        fields: null,
        fix: f.fix || null,
      },
    },
  };
  const url = new URL(req.url ?? "/", "http://brain");
  const paths = url.pathname.replace(/^\/trpc\/?/, "").split(",");
  const body = url.searchParams.get("batch") === "1" ? paths.map(() => one) : one;
  const retry = f.status === 503 ? { "retry-after": String(RETRY_AFTER_S) } : {};
  res.writeHead(f.status, { "content-type": "application/json", connection: "close", ...retry });
  res.end(JSON.stringify(body));
  discardRest(req);
}

function staticHandler(
  dir: string | undefined,
): ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | null {
  if (!dir) return null;
  if (!existsSync(join(dir, "index.html")))
    return sirv(dir, { dev: false, etag: true, setHeaders: iconType });
  return sirv(dir, { single: true, etag: true, gzip: true, brotli: true, setHeaders: iconType });
}

/** sirv's MIME table (mrmime) has no `.ico`: without this, /favicon.ico goes out with no content-type. */
function iconType(res: ServerResponse, pathname: string): void {
  if (pathname.endsWith(".ico")) res.setHeader("content-type", "image/x-icon");
}

async function health(services: BrainServices, res: ServerResponse): Promise<void> {
  let dbOk = true;
  try {
    await services.handle.query(sql`select 1`);
  } catch {
    dbOk = false;
  }
  res.statusCode = dbOk ? 200 : 503;
  res.setHeader("content-type", "application/json");
  res.end(
    JSON.stringify({ status: dbOk ? "ok" : "degraded", db: services.handle.driver, time: services.now() }),
  );
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ error: "not found" }));
}
