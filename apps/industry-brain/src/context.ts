import type { IncomingMessage, ServerResponse } from "node:http";
import type { DbHandle } from "@weft/db/client";
import type { Logger } from "pino";
import type { LoginLimits } from "./auth/login-throttle.ts";
import type { RateLimiter } from "./auth/rate-limit.ts";
import type { BodyLimits } from "./http/body.ts";
import { clientOf, type TrustProxy } from "./http/proxy.ts";

/** Settings the brain's procedures need; built once by `startBrain`. */
export interface BrainSettings {
  sessionCookie: string;
  sessionTtlMs: number;
  /** Always mark the session cookie `Secure` (it is anyway on HTTPS or behind a trusted TLS proxy). */
  cookieSecure: boolean;
  /** Proxies whose `X-Forwarded-For`/`-Proto` are believed (none by default: the headers are ignored). */
  trustProxy: TrustProxy;
  rawRetentionDays: number;
  /** A machine silent for longer than this is `offline` for the gap (ms). */
  staleAfterMs: number;
  /** Send alert webhooks to loopback and private addresses too (an on-premises chat server). */
  webhookAllowPrivate: boolean;
  /** A stop shorter than this between two running intervals is a microstop (ms). */
  microstopMs: number;
  /**
   * How long a computed city coverage summary (overview, parks table) is reused (ms); every user
   * write drops it at once, live machine data shows after at most this long. 0: compute every time.
   */
  coverageCacheMs: number;
}

export interface BrainLimits {
  /** Batches per gateway per minute. */
  ingestPerMinute: number;
  /** Sign-in throttles (counted before the password hash, shared through the database). */
  login: LoginLimits;
  /** Largest request body per kind of caller (413 beyond). */
  body: BodyLimits;
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
  /** The TCP peer, or what a trusted proxy says the client is (see `settings.trustProxy`). */
  clientIp: string;
  /** The request reached us (or the trusted proxy in front) over HTTPS. */
  secure: boolean;
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
  const client = clientOf(req, services.settings.trustProxy);
  return {
    ...services,
    cookieHeader: req.headers.cookie,
    authorization: req.headers.authorization,
    clientIp: client.ip,
    secure: client.secure,
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
    secure: false,
    setCookie: () => {},
    memo: new Map(),
  };
}
