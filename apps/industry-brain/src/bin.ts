#!/usr/bin/env node
import { mkdirSync } from "node:fs";
import { createDb } from "@weft/db/client";
import { Command } from "commander";
import pino from "pino";
import { readEnv } from "./env.ts";
import { seedDemo } from "./seed/demo.ts";
import { startBrain } from "./server.ts";

const env = readEnv();

const program = new Command("weft-brain")
  .description(
    "Weft industry brain: tRPC ingest, KPIs, parks, enterprises, coverage and auth; serves park-admin.",
  )
  .option("-p, --port <port>", "TCP port (0 = any free port)", String(env.PORT))
  .option("--host <host>", "interface to bind", env.HOST)
  .option("--database-url <url>", "PostgreSQL URL (default: embedded PGlite in --data-dir)", env.DATABASE_URL)
  .option("--data-dir <dir>", "PGlite data directory", env.WEFT_DATA_DIR)
  .option("--static-dir <dir>", "park-admin's built files to serve", env.WEFT_STATIC_DIR)
  .option("--seed-demo", "load the demo city, parks, enterprises, gateways and users (idempotent)", false)
  .action(
    async (opts: {
      port: string;
      host: string;
      databaseUrl?: string;
      dataDir: string;
      staticDir?: string;
      seedDemo: boolean;
    }) => {
      const logger = pino({ level: env.LOG_LEVEL, name: "weft-brain" });
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        logger.fatal({ port: opts.port }, "--port must be an integer 0-65535");
        process.exit(2);
      }
      if (!opts.databaseUrl) mkdirSync(opts.dataDir, { recursive: true });
      const handle = await createDb(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir });
      if (opts.seedDemo) {
        const demo = await seedDemo(handle);
        logger.info(
          {
            users: demo.users.map((u) => ({ email: u.email, password: u.password, role: u.role })),
            gateways: demo.gateways.map((g) => ({
              id: g.gatewayId,
              apiKey: g.apiKey,
              machines: g.machineKeys,
            })),
          },
          "demo data ready",
        );
      }
      const brain = await startBrain({
        db: handle,
        port,
        host: opts.host,
        logger,
        settings: {
          sessionCookie: env.WEFT_SESSION_COOKIE,
          sessionTtlMs: env.WEFT_SESSION_TTL_H * 3_600_000,
          cookieSecure: env.WEFT_COOKIE_SECURE,
          rawRetentionDays: env.WEFT_RAW_RETENTION_DAYS,
        },
        ...(opts.staticDir ? { staticDir: opts.staticDir } : {}),
      });
      let stopping = false;
      const stop = async (signal: string): Promise<void> => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "shutting down");
        try {
          await brain.close();
          await handle.close();
          process.exit(0);
        } catch (err) {
          logger.error({ err }, "shutdown failed");
          process.exit(1);
        }
      };
      process.on("SIGINT", () => void stop("SIGINT"));
      process.on("SIGTERM", () => void stop("SIGTERM"));
    },
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
