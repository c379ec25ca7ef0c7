import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { readdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { createDb } from "../client.ts";
import { MIGRATIONS_FOLDER } from "../migrate.ts";

/**
 * Migrated templates so each test database starts in ~1 s instead of running every migration:
 * a PGlite data-dir dump in the OS temp dir, and a PostgreSQL template database. Both are keyed
 * by a hash of the migration files, so a new migration makes a new template.
 */
export function migrationsKey(): string {
  const h = createHash("sha256");
  // the installed PGlite's path carries its version (pnpm store), so an upgrade makes a new dump
  h.update(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  for (const dir of [MIGRATIONS_FOLDER, join(MIGRATIONS_FOLDER, "meta")]) {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith(".sql") || f.endsWith(".json")) h.update(f).update(readFileSync(join(dir, f)));
    }
  }
  return h.digest("hex").slice(0, 16);
}

const STALE_TEMPLATE_MS = 24 * 3_600_000;

let pgliteDump: Promise<Blob> | undefined;

/**
 * Delete PGlite template dumps in `dir` other than `keep` that nobody has written for a day.
 * Another checkout (a second clone, a worktree) has its own key and may be running its tests
 * right now: deleting its fresh template would make each of its workers re-run every migration.
 */
export async function pruneStaleTemplates(dir: string, keep: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const f of await readdir(dir)) {
    const other = join(dir, f);
    if (!/^weft-db-pglite-[0-9a-f]{16}\.tar$/.test(f) || other === keep) continue;
    const written = (await stat(other).catch(() => undefined))?.mtimeMs ?? now;
    if (
      now - written > STALE_TEMPLATE_MS &&
      (await unlink(other).then(
        () => true,
        () => false,
      ))
    )
      removed.push(f);
  }
  return removed;
}

/** A migrated PGlite data dir as a Blob (cached on disk across test workers, and in memory). */
export function pgliteTemplate(): Promise<Blob> {
  pgliteDump ??= (async () => {
    const file = join(tmpdir(), `weft-db-pglite-${migrationsKey()}.tar`);
    try {
      return new Blob([await readFile(file)]);
    } catch {
      const h = await createDb();
      try {
        if (!h.pglite) throw new Error("expected a PGlite handle");
        const dump = await h.pglite.dumpDataDir("none");
        const tmp = `${file}.${process.pid}.tmp`;
        await writeFile(tmp, new Uint8Array(await dump.arrayBuffer()));
        await rename(tmp, file); // atomic publish; a concurrent writer just replaces it with an equal file
        await pruneStaleTemplates(tmpdir(), file);
        return dump;
      } finally {
        await h.close();
      }
    }
  })();
  pgliteDump.catch(() => {
    pgliteDump = undefined;
  });
  return pgliteDump;
}

/**
 * Create database `name` on the server of `baseUrl`: a copy of the migrated template
 * `weft_tpl_<key>` (built on first use), or empty when `migrated` is false. Runs under an
 * advisory lock, which also makes it safe to drop outdated templates and databases left
 * behind by killed test processes.
 */
export async function createTestDatabase(baseUrl: string, name: string, migrated: boolean): Promise<void> {
  const template = `weft_tpl_${migrationsKey()}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`select pg_advisory_lock(hashtext('weft.test.template'))`;
    if (migrated) {
      const [exists] = await admin`select 1 from pg_database where datname = ${template}`;
      if (!exists) {
        const building = `${template}_build_${process.pid}`;
        await admin.unsafe(`drop database if exists "${building}"`);
        await admin.unsafe(`create database "${building}"`);
        const url = new URL(baseUrl);
        url.pathname = `/${building}`;
        const h = await createDb({ url: url.toString(), max: 1 });
        await h.close();
        await admin.unsafe(`alter database "${building}" rename to "${template}"`);
      }
    }
    await dropStaleDatabases(admin, baseUrl, template);
    await admin.unsafe(`create database "${name}"${migrated ? ` template "${template}"` : ""}`);
  } finally {
    await admin.end({ timeout: 5 }); // ending the session releases the advisory lock
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Drop outdated `weft_tpl_*` templates, and `weft_test_<pid>_*` databases left by killed test
 * processes (only on a local server, only when that pid is gone and nobody is connected).
 */
async function dropStaleDatabases(admin: postgres.Sql, baseUrl: string, current: string): Promise<void> {
  const old = await admin<{ datname: string }[]>`
    select datname from pg_database d where datname like 'weft\_tpl\_%' and datname <> ${current}
      and datname not like '%\_build\_%'
      and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`;
  for (const { datname } of old) {
    await admin.unsafe(`drop database if exists "${datname}"`).catch(() => undefined);
  }
  const host = new URL(baseUrl).hostname;
  if (!["localhost", "127.0.0.1", "::1", "[::1]", ""].includes(host)) return;
  const rows = await admin<{ datname: string }[]>`
    select datname from pg_database d where datname like 'weft\_test\_%'
      and not exists (select 1 from pg_stat_activity a where a.datname = d.datname)`;
  for (const { datname } of rows) {
    const pid = Number(/^weft_test_(\d+)_/.exec(datname)?.[1]);
    if (!Number.isInteger(pid) || pidAlive(pid)) continue;
    await admin.unsafe(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
  }
}
