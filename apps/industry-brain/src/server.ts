import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { dropExpiredPartitions } from "@weft/db";
import type { DbHandle } from "@weft/db/client";
import { sql } from "drizzle-orm";
import pino, { type Logger } from "pino";
import sirv from "sirv";
import { createRateLimiter, createSharedRateLimiter } from "./auth/rate-limit.ts";
import { type BrainLimits, type BrainServices, type BrainSettings, createRequestContext } from "./context.ts";
import { startCoverageSnapshots } from "./coverage/schedule.ts";
import { effectiveCode } from "./errors.ts";
import { decodeRequestBody } from "./internal/request-encoding.ts";
import { appRouter } from "./root.ts";

export interface StartBrainOptions {
  /** The database (from `createDb()` in `@weft/db`). The brain does not close it. */
  db: DbHandle;
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** park-admin's built files; served with an SPA fallback to index.html. */
  staticDir?: string;
  logger?: Logger;
  settings?: Partial<BrainSettings>;
  limits?: Partial<BrainLimits>;
  /** Clock override for tests. */
  now?: () => number;
  /**
   * Background jobs (default true): today's coverage snapshot hourly, and raw-reading retention
   * (drop partitions older than `settings.rawRetentionDays`) every 6 hours. Both are safe on
   * several replicas at once.
   */
  background?: boolean;
}

export interface RunningBrain {
  url: string;
  port: number;
  /** Services shared by all requests (for in-process callers). */
  services: BrainServices;
  close(): Promise<void>;
}

export const DEFAULT_SETTINGS: BrainSettings = {
  sessionCookie: "weft_session",
  sessionTtlMs: 7 * 24 * 3_600_000,
  cookieSecure: false,
  rawRetentionDays: 90,
  staleAfterMs: 5 * 60_000,
  microstopMs: 60_000,
};

export const DEFAULT_LIMITS: BrainLimits = { ingestPerMinute: 6_000, loginPerMinute: 10 };

/**
 * Start the brain's HTTP server: tRPC at `/trpc`, `GET /health`, and park-admin's files.
 * @example
 * const handle = await createDb({ url: process.env.DATABASE_URL });
 * const brain = await startBrain({ db: handle, port: 3000 });
 * console.log(brain.url); // http://127.0.0.1:3000
 * await brain.close(); await handle.close();
 */
export async function startBrain(options: StartBrainOptions): Promise<RunningBrain> {
  const logger = options.logger ?? pino({ level: "silent" });
  const services: BrainServices = {
    handle: options.db,
    logger,
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    // Several processes share PostgreSQL, so their limits must be counted there; PGlite is one process.
    rateLimiter:
      options.db.driver === "postgres" ? createSharedRateLimiter(options.db.db) : createRateLimiter(),
    now: options.now ?? Date.now,
  };
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: 64 * 1024 * 1024,
    createContext: ({ req, res }) => createRequestContext(services, req, res),
    onError: ({ error, path }) => {
      const code = effectiveCode(error);
      if (code === "INTERNAL_SERVER_ERROR")
        logger.error({ err: error.cause ?? error, path }, "procedure failed");
      else logger.debug({ code, path, msg: error.message }, "procedure rejected");
    },
  });
  const statics = staticHandler(options.staticDir);
  const stopJobs = options.background === false ? () => {} : startBackgroundJobs(services);

  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url === "/trpc" || url.startsWith("/trpc/") || url.startsWith("/trpc?")) {
      void decodeRequestBody(req).then((decoded) => {
        if (decoded.ok) trpc(req, res);
        else plainError(res, decoded.status, decoded.message);
      });
      return;
    }
    if (url === "/health" || url.startsWith("/health?")) {
      void health(services, res);
      return;
    }
    if (statics && (req.method === "GET" || req.method === "HEAD")) {
      statics(req, res, () => notFound(res));
      return;
    }
    notFound(res);
  });
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const host =
    options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info({ url, db: options.db.driver, staticDir: options.staticDir ?? null }, "brain listening");
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    services,
    close: () => {
      stopJobs();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

const RETENTION_EVERY_MS = 6 * 3_600_000;

function startBackgroundJobs(services: BrainServices): () => void {
  const { handle, logger } = services;
  const snapshots = startCoverageSnapshots(handle, logger);
  const retention = async (): Promise<void> => {
    try {
      const r = await dropExpiredPartitions(handle.db, {
        keepDays: services.settings.rawRetentionDays,
        now: services.now(),
      });
      if (r.droppedPartitions.length > 0)
        logger.info({ dropped: r.droppedPartitions }, "raw readings past retention dropped");
    } catch (err) {
      logger.error({ err }, "retention failed");
    }
  };
  const first = setTimeout(() => void retention(), 60_000);
  const every = setInterval(() => void retention(), RETENTION_EVERY_MS);
  first.unref();
  every.unref();
  return () => {
    snapshots.stop();
    clearTimeout(first);
    clearInterval(every);
  };
}

function staticHandler(
  dir: string | undefined,
): ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | null {
  if (!dir) return null;
  if (!existsSync(join(dir, "index.html"))) {
    return sirv(dir, { dev: false, etag: true });
  }
  return sirv(dir, { single: true, etag: true, gzip: true, brotli: true });
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

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function plainError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ error: { message, httpStatus: status } }));
}
