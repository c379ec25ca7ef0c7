import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import type { Logger } from "drizzle-orm/logger";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { queryRows } from "./internal/rows.ts";
import { connectNoDelay } from "./internal/socket.ts";
import { MIGRATIONS_FOLDER, migrate } from "./migrate.ts";
import * as schema from "./schema/index.ts";
import type { DbDriver, WeftDb } from "./types.ts";

export interface CreateDbOptions {
  /** PostgreSQL connection URL. When set, postgres.js is used; otherwise embedded PGlite. */
  url?: string;
  /** PGlite data directory that survives restarts. Omitted → in-memory PGlite. Ignored with `url`. */
  dataDir?: string;
  /** Apply pending migrations on start (default true). */
  migrate?: boolean;
  /** postgres.js pool size (default 10). */
  max?: number;
  /** Log every query (true → drizzle's default logger). */
  logger?: boolean | Logger;
  /** Override the migrations folder (tests). */
  migrationsFolder?: string;
  /** `application_name` reported to PostgreSQL (default `weft`). */
  applicationName?: string;
  /** Start PGlite from a data-dir dump (`pglite.dumpDataDir()`), e.g. a migrated template. */
  loadDataDir?: Blob;
}

export interface DbHandle {
  db: WeftDb;
  driver: DbDriver;
  /** The embedded PGlite instance (pglite driver only), e.g. for `dumpDataDir()` backups. */
  pglite?: PGlite;
  /** Run raw SQL and get rows, on either driver. */
  query<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  /** Close the pool or the embedded database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Open the database: embedded PGlite by default, PostgreSQL when `url` is given.
 * Migrations run on start under an advisory lock.
 * @example
 * const { db, close } = await createDb({ url: process.env.DATABASE_URL });
 * const rows = await db.select().from(machines);
 * await close();
 */
export async function createDb(options: CreateDbOptions = {}): Promise<DbHandle> {
  const logger = options.logger ?? false;
  let db: WeftDb;
  let driver: DbDriver;
  let closeClient: () => Promise<void>;
  let pglite: PGlite | undefined;
  if (options.url) {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      // Typed in postgres.js's docs, not in its Options type.
      ...({ socket: connectNoDelay } as object),
      onnotice: () => {},
      connection: { application_name: options.applicationName ?? "weft" },
    });
    db = drizzlePostgres({ client, schema, casing: "snake_case", logger });
    driver = "postgres";
    closeClient = () => client.end({ timeout: 5 });
  } else {
    const client = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    pglite = client;
    db = drizzlePglite({ client, schema, casing: "snake_case", logger });
    driver = "pglite";
    closeClient = () => client.close();
  }
  let closed: Promise<void> | undefined;
  const handle: DbHandle = {
    db,
    driver,
    ...(pglite ? { pglite } : {}),
    query: (q) => queryRows(db, q),
    close: () => {
      closed ??= closeClient();
      return closed;
    },
  };
  if (options.migrate !== false) {
    try {
      await migrate(db, options.migrationsFolder ?? MIGRATIONS_FOLDER);
    } catch (err) {
      await handle.close();
      throw err;
    }
  }
  return handle;
}

/**
 * Options from environment variables, for apps (library code never reads process.env):
 * `DATABASE_URL` → PostgreSQL, else `WEFT_PGLITE_DIR` → persistent PGlite, else in-memory.
 * @example const handle = await createDb(dbOptionsFromEnv(process.env));
 */
export function dbOptionsFromEnv(env: Record<string, string | undefined>): CreateDbOptions {
  const url = env.DATABASE_URL?.trim();
  if (url) return { url };
  const dataDir = env.WEFT_PGLITE_DIR?.trim();
  return dataDir ? { dataDir } : {};
}
