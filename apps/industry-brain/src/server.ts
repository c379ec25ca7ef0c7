import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dropExpiredPartitions } from "@weft/db";
import type { DbHandle } from "@weft/db/client";
import pino, { type Logger } from "pino";
import { startAlerts } from "./alerts/schedule.ts";
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "./auth/login-throttle.ts";
import { createRateLimiter, createSharedRateLimiter } from "./auth/rate-limit.ts";
import type { BrainLimits, BrainServices, BrainSettings } from "./context.ts";
import { startCoverageSnapshots } from "./coverage/schedule.ts";
import { type BodyLimits, DEFAULT_BODY_LIMITS } from "./http/body.ts";
import { createBrainHandler } from "./http/handler.ts";
import { TRUST_NONE } from "./http/proxy.ts";

/**
 * The one default interface for the brain, CLI and `startBrain` alike: loopback, so a brain never
 * faces a network by accident. Behind a reverse proxy or in a container, bind it on purpose
 * (`--host 0.0.0.0` / `HOST=0.0.0.0`) and set `WEFT_TRUST_PROXY` for the proxy.
 */
export const DEFAULT_HOST = "127.0.0.1";

export interface StartBrainOptions {
  /** The database (from `createDb()` in `@weft/db`). The brain does not close it. */
  db: DbHandle;
  /** TCP port; 0 picks a free one (default 0). */
  port?: number;
  /** Interface to bind (default {@link DEFAULT_HOST}, 127.0.0.1). */
  host?: string;
  /** park-admin's built files; served with an SPA fallback to index.html. */
  staticDir?: string;
  logger?: Logger;
  settings?: Partial<BrainSettings>;
  limits?: {
    ingestPerMinute?: number;
    login?: Partial<LoginLimits>;
    body?: Partial<BodyLimits>;
  };
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
  trustProxy: TRUST_NONE,
  rawRetentionDays: 90,
  staleAfterMs: 5 * 60_000,
  webhookAllowPrivate: false,
  microstopMs: 60_000,
  coverageCacheMs: 15_000,
};

export const DEFAULT_LIMITS: BrainLimits = {
  ingestPerMinute: 6_000,
  login: DEFAULT_LOGIN_LIMITS,
  body: DEFAULT_BODY_LIMITS,
};

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
    limits: {
      ingestPerMinute: options.limits?.ingestPerMinute ?? DEFAULT_LIMITS.ingestPerMinute,
      login: { ...DEFAULT_LIMITS.login, ...options.limits?.login },
      body: { ...DEFAULT_LIMITS.body, ...options.limits?.body },
    },
    // Several processes share PostgreSQL, so their limits must be counted there; PGlite is one process.
    rateLimiter:
      options.db.driver === "postgres" ? createSharedRateLimiter(options.db.db) : createRateLimiter(),
    now: options.now ?? Date.now,
  };
  const stopJobs = options.background === false ? () => {} : startBackgroundJobs(services);
  // Requests still being answered when close() starts; their keep-alive connections must end with them.
  const answering = new Set<ServerResponse>();
  let draining = false;
  const handle = createBrainHandler(services, options.staticDir);
  const server = createServer((req, res) => {
    if (draining) res.setHeader("connection", "close");
    answering.add(res);
    res.once("close", () => answering.delete(res));
    handle(req, res);
  });
  server.keepAliveTimeout = 65_000;
  const port = await listen(server, options.port ?? 0, options.host ?? DEFAULT_HOST);
  const host =
    options.host && options.host !== "0.0.0.0" && options.host !== "::" ? options.host : DEFAULT_HOST;
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
        // server.close() only drops idle connections: a keep-alive connection busy at this moment
        // would go on serving the client's next requests and close() would never finish. So every
        // answer from now on says `Connection: close`, and after a grace period the rest is cut.
        draining = true;
        for (const res of answering) if (!res.headersSent) res.setHeader("connection", "close");
        const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close((err) => {
          clearTimeout(force);
          if (err) reject(err);
          else resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

const RETENTION_EVERY_MS = 6 * 3_600_000;
/** How long close() lets requests in progress finish before it cuts their connections. */
const CLOSE_GRACE_MS = 10_000;

function startBackgroundJobs(services: BrainServices): () => void {
  const { handle, logger } = services;
  const snapshots = startCoverageSnapshots(handle, logger);
  const alerting = startAlerts(handle, logger, {
    now: services.now,
    staleAfterMs: services.settings.staleAfterMs,
    allowPrivateTargets: services.settings.webhookAllowPrivate,
  });
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
    alerting.stop();
    clearTimeout(first);
    clearInterval(every);
  };
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
