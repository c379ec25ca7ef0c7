import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, dbOptionsFromEnv } from "./client.ts";
import { pgliteTemplate } from "./internal/templates.ts";
import { cities } from "./schema/index.ts";
import { createTestDb } from "./testing.ts";

describe("createDb", () => {
  it("keeps PGlite data in dataDir across close and reopen", async () => {
    const dir = await mkdtemp(join(tmpdir(), "weft-db-"));
    try {
      // start from the migrated template (initdb in a fresh dataDir is slow); the reopen is what counts
      const a = await createDb({ dataDir: dir, loadDataDir: await pgliteTemplate() });
      expect(a.driver).toBe("pglite");
      await a.db.insert(cities).values({ key: "kept", name: "Kept" });
      await a.close();
      await a.close(); // idempotent
      const b = await createDb({ dataDir: dir });
      expect((await b.db.select().from(cities)).map((c) => c.key)).toEqual(["kept"]);
      await b.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("reads options from an explicit env object only", () => {
    expect(dbOptionsFromEnv({ DATABASE_URL: " postgres://x/y " })).toEqual({ url: "postgres://x/y" });
    expect(dbOptionsFromEnv({ WEFT_PGLITE_DIR: "/data" })).toEqual({ dataDir: "/data" });
    expect(dbOptionsFromEnv({})).toEqual({});
  });

  it.runIf(process.env.DATABASE_URL)(
    "migrates once when several processes start at once (postgres)",
    async () => {
      const empty = await createTestDb("postgres", { migrate: false });
      try {
        const url = empty.url as string;
        const handles = await Promise.all([1, 2, 3].map(() => createDb({ url, max: 1 })));
        await Promise.all(handles.map((h) => h.close()));
        const [row] = await empty.query<{ n: number }>(
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        );
        const files = (await import("drizzle-orm/migrator")).readMigrationFiles({
          migrationsFolder: (await import("./migrate.ts")).MIGRATIONS_FOLDER,
        });
        expect(row?.n).toBe(files.length);
      } finally {
        await empty.close();
      }
    },
  );
});
