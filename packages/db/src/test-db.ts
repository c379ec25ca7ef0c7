import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type CreateDbOptions, createDb, type DbHandle } from "./client.ts";
import { createTestDatabase, pgliteTemplate } from "./internal/templates.ts";

export type DbTarget = "pglite" | "postgres";

export interface TestDb extends DbHandle {
  target: DbTarget;
  /** For the postgres target: URL of this test's own database (open more connections with it). */
  url?: string;
}

/**
 * Targets to run DB tests on: always PGlite, plus PostgreSQL when `DATABASE_URL` is set.
 * @example for (const target of dbTargets()) { … }
 */
export function dbTargets(env: Record<string, string | undefined> = process.env): DbTarget[] {
  return env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/**
 * A fresh, migrated database that no other test file sees: in-memory PGlite, or on PostgreSQL a new
 * database `weft_test_<random>` created from `DATABASE_URL` and dropped again by `close()`.
 */
export async function createTestDb(
  target: DbTarget,
  options: Omit<CreateDbOptions, "url" | "dataDir"> & { baseUrl?: string } = {},
): Promise<TestDb> {
  const { baseUrl: givenBaseUrl, ...dbOptions } = options;
  if (target === "pglite") {
    const loadDataDir = options.migrate === false ? undefined : await pgliteTemplate();
    return { ...(await createDb({ ...dbOptions, ...(loadDataDir ? { loadDataDir } : {}) })), target };
  }
  const baseUrl = givenBaseUrl ?? process.env.DATABASE_URL;
  if (!baseUrl) throw new Error("createTestDb('postgres') needs DATABASE_URL (or options.baseUrl)");
  const name = `weft_test_${process.pid}_${randomBytes(5).toString("hex")}`;
  await createTestDatabase(baseUrl, name, options.migrate !== false);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const dropDatabase = async () => {
    const a = postgres(baseUrl, { max: 1, onnotice: () => {} });
    try {
      await a.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await a.end({ timeout: 5 });
    }
  };
  let handle: DbHandle;
  try {
    handle = await createDb({ ...dbOptions, url: url.toString() });
  } catch (err) {
    await dropDatabase();
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    ...handle,
    target,
    url: url.toString(),
    close: () => {
      closed ??= handle.close().then(dropDatabase);
      return closed;
    },
  };
}
