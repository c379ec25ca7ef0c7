import type { IncomingMessage, ServerResponse } from "node:http";
import type { DbHandle } from "@weft/db/client";
import type { Logger } from "pino";
import type { RateLimiter } from "./auth/rate-limit.ts";

/** Settings the brain's procedures need; built once by `startBrain`. */
export interface BrainSettings {
  sessionCookie: string;
  sessionTtlMs: number;
  cookieSecure: boolean;
  rawRetentionDays: number;
  /** A machine silent for longer than this is `offline` for the gap (ms). */
  staleAfterMs: number;
  /** A stop shorter than this between two running intervals is a microstop (ms). */
  microstopMs: number;
}

export interface BrainLimits {
  /** Batches per gateway per minute. */
  ingestPerMinute: number;
  /** Failed-or-not login attempts per e-mail and per client address per minute. */
  loginPerMinute: number;
}

/** Shared per-process services every request sees. */
export interface BrainServices {
  handle: DbHandle;
  logger: Logger;
  settings: BrainSettings;
  limits: BrainLimits;
  rateLimiter: RateLimiter;
  /** Current time in epoch ms (tests may fix it). */
  now: () => number;
}

/** Per-request context. */
export interface BrainContext extends BrainServices {
  /** The raw `Cookie` header, `Authorization` header and client address. */
  cookieHeader: string | undefined;
  authorization: string | undefined;
  clientIp: string;
  /** Append a `Set-Cookie` header to the response (no-op for server-side callers). */
  setCookie: (cookie: string) => void;
  /** Memo slots filled by the auth middlewares. */
  memo: Map<string, unknown>;
}

/** Context for a node-http request. */
export function createRequestContext(
  services: BrainServices,
  req: IncomingMessage,
  res: ServerResponse,
): BrainContext {
  const forwarded = req.headers["x-forwarded-for"];
  const first = Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(",")[0];
  return {
    ...services,
    cookieHeader: req.headers.cookie,
    authorization: req.headers.authorization,
    clientIp: first?.trim() || req.socket.remoteAddress || "unknown",
    setCookie: (cookie) => {
      const prev = res.getHeader("set-cookie");
      const list = Array.isArray(prev) ? prev : typeof prev === "string" ? [prev] : [];
      res.setHeader("set-cookie", [...list, cookie]);
    },
    memo: new Map(),
  };
}

/** Context for an in-process caller (`createCaller`), e.g. scripts and unit tests. */
export function createInternalContext(
  services: BrainServices,
  headers: { cookie?: string; authorization?: string } = {},
): BrainContext {
  return {
    ...services,
    cookieHeader: headers.cookie,
    authorization: headers.authorization,
    clientIp: "internal",
    setCookie: () => {},
    memo: new Map(),
  };
}
