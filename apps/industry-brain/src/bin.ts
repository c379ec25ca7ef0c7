#!/usr/bin/env node
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isWeftError } from "@weft/core";
import { createDb } from "@weft/db/client";
import { Command } from "commander";
import pino from "pino";
import { countAdmins, createAdmin, NO_ADMIN_MESSAGE } from "./admin/first-admin.ts";
import { readEnv } from "./env.ts";
import { DEFAULT_DERIVE } from "./ingest/service.ts";
import { type RunningMqttIngest, startMqttIngest } from "./mqtt/ingest.ts";
import { parseNeuronMap } from "./mqtt/neuron.ts";
import { seedDemoCalendars } from "./seed/calendars.ts";
import { seedDemo } from "./seed/demo.ts";
import { startBrain } from "./server.ts";

const env = (() => {
  try {
    return readEnv();
  } catch (err) {
    // A bad setting is the operator's to fix: say which, without a stack trace.
    console.error((err as Error).message);
    process.exit(2);
  }
})();

// Positional options: `admin create-user --data-dir X` is the subcommand's own --data-dir.
const program = new Command("weft-brain")
  .enablePositionalOptions()
  .description(
    "Weft industry brain: tRPC ingest, KPIs, parks, enterprises, coverage and auth; serves park-admin.",
  )
  .option("-p, --port <port>", "TCP port (0 = any free port)", String(env.PORT))
  .option("--host <host>", "interface to bind (0.0.0.0 for every interface)", env.HOST)
  .option("--database-url <url>", "PostgreSQL URL (default: embedded PGlite in --data-dir)", env.DATABASE_URL)
  .option("--data-dir <dir>", "PGlite data directory", env.WEFT_DATA_DIR)
  .option(
    "--static-dir <dir>",
    "park-admin's built files to serve (default: the copy inside this package)",
    env.WEFT_STATIC_DIR,
  )
  .option("--mqtt <url>", "also ingest Sparkplug B and Neuron over MQTT from this broker", env.WEFT_MQTT_URL)
  .option(
    "--mqtt-group <groups>",
    "Sparkplug groups to ingest, comma-separated",
    env.WEFT_MQTT_GROUPS.join(","),
  )
  .option(
    "--mqtt-share <name>",
    "share the MQTT ingest with other brains ($share/<name>/…)",
    env.WEFT_MQTT_SHARE,
  )
  .option("--neuron-map <file>", "mapping of EMQ Neuron uploads to machines", env.WEFT_NEURON_MAP)
  .option("--seed-demo", "load the demo city, parks, enterprises, gateways and users (idempotent)", false)
  .action(
    async (opts: {
      port: string;
      host: string;
      databaseUrl?: string;
      dataDir: string;
      staticDir?: string;
      seedDemo: boolean;
      mqtt?: string;
      mqttGroup: string;
      mqttShare?: string;
      neuronMap?: string;
    }) => {
      const logger = pino({ level: env.LOG_LEVEL, name: "weft-brain" });
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        logger.fatal({ port: opts.port }, "--port must be an integer 0-65535");
        process.exit(2);
      }
      if (!opts.databaseUrl) mkdirSync(opts.dataDir, { recursive: true });
      const handle = await createDb(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir });
      // A production (PostgreSQL) brain nobody can sign in to is a setup mistake: say how to fix it.
      if (!opts.seedDemo && (await countAdmins(handle)) === 0) {
        if (opts.databaseUrl) {
          console.error(NO_ADMIN_MESSAGE);
          await handle.close();
          process.exit(2);
        }
        logger.warn("no administrator yet: create one with `weft-brain admin create-user`");
      }
      if (opts.seedDemo) {
        const demo = await seedDemo(handle);
        await seedDemoCalendars(handle);
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
          webhookAllowPrivate: env.WEFT_WEBHOOK_ALLOW_PRIVATE,
          trustProxy: env.WEFT_TRUST_PROXY,
          rawRetentionDays: env.WEFT_RAW_RETENTION_DAYS,
        },
        ...(staticDirOf(opts.staticDir) ? { staticDir: staticDirOf(opts.staticDir) } : {}),
      });
      let mqttIngest: RunningMqttIngest | null = null;
      if (opts.mqtt) {
        const neuron = opts.neuronMap
          ? parseNeuronMap(readFileSync(opts.neuronMap, "utf8"), opts.neuronMap)
          : undefined;
        mqttIngest = await startMqttIngest(
          { handle, now: Date.now, logger, derive: DEFAULT_DERIVE },
          {
            url: opts.mqtt,
            hostId: env.WEFT_MQTT_HOST_ID,
            groups: opts.mqttGroup
              .split(",")
              .map((g) => g.trim())
              .filter(Boolean),
            ...(opts.mqttShare ? { share: opts.mqttShare } : {}),
            ...(neuron ? { neuron } : {}),
            ...(env.WEFT_MQTT_USERNAME !== undefined ? { username: env.WEFT_MQTT_USERNAME } : {}),
            ...(env.WEFT_MQTT_PASSWORD !== undefined ? { password: env.WEFT_MQTT_PASSWORD } : {}),
            ...(env.WEFT_MQTT_CA ? { caFile: env.WEFT_MQTT_CA } : {}),
            ...(env.WEFT_MQTT_CERT ? { certFile: env.WEFT_MQTT_CERT } : {}),
            ...(env.WEFT_MQTT_KEY ? { keyFile: env.WEFT_MQTT_KEY } : {}),
          },
        );
      }
      let stopping = false;
      const stop = async (signal: string): Promise<void> => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, "shutting down");
        try {
          await mqttIngest?.close();
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

const admin = program.command("admin").description("administer the brain's database from the command line");
admin
  .command("create-user")
  .description(
    "create a city administrator (the first one cannot be made in the web app); the password is read from stdin",
  )
  .requiredOption("--email <email>", "the administrator's e-mail, used to sign in")
  .option("--name <name>", "display name", "Administrator")
  .option("--city <key>", "confine the administrator to this city (default: every city)")
  .option(
    "--password-stdin",
    "read the password from the first line of stdin (never from the command line)",
    false,
  )
  .option("--database-url <url>", "PostgreSQL URL (default: embedded PGlite in --data-dir)", env.DATABASE_URL)
  .option("--data-dir <dir>", "PGlite data directory", env.WEFT_DATA_DIR)
  .action(
    async (opts: {
      email: string;
      name: string;
      city?: string;
      passwordStdin: boolean;
      databaseUrl?: string;
      dataDir: string;
    }) => {
      if (!opts.passwordStdin) {
        console.error("weft-brain admin create-user: pass --password-stdin and the password on stdin");
        process.exit(2);
      }
      const password = await firstLine(process.stdin);
      if (!opts.databaseUrl) mkdirSync(opts.dataDir, { recursive: true });
      const handle = await createDb(opts.databaseUrl ? { url: opts.databaseUrl } : { dataDir: opts.dataDir });
      try {
        const user = await createAdmin(handle, {
          email: opts.email,
          name: opts.name,
          password,
          ...(opts.city ? { cityKey: opts.city } : {}),
        });
        console.log(`created city-admin ${user.email} (id ${user.id})`);
      } catch (err) {
        if (!isWeftError(err)) throw err;
        console.error(`weft-brain admin create-user: ${err.message}${err.fix ? ` (${err.fix})` : ""}`);
        process.exitCode = 2;
      } finally {
        await handle.close();
      }
    },
  );

/** park-admin's files: the option, else the build copied into this package, else the monorepo's. */
function staticDirOf(option: string | undefined): string | undefined {
  if (option) return option;
  for (const rel of ["../web", "../../park-admin/dist"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}/index.html`)) return dir;
  }
  return undefined;
}

async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of input) {
    text += String(chunk);
    if (text.includes("\n")) break;
  }
  return text.split(/\r?\n/)[0] ?? "";
}

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
