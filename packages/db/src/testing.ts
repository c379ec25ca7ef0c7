import { afterAll, beforeAll, describe } from "vitest";
import { createTestDb, type DbTarget, dbTargets, type TestDb } from "./test-db.ts";
import type { WeftDb } from "./types.ts";

export { type SeededTree, type SeedOptions, seedTree } from "./internal/seed.ts";
export { createTestDb, type DbTarget, dbTargets, type TestDb } from "./test-db.ts";

export interface EachDbContext {
  target: DbTarget;
  /** The suite's database handle (available inside tests and hooks, after beforeAll). */
  readonly handle: TestDb;
  /** Shorthand for `handle.db`. */
  readonly db: WeftDb;
}

/**
 * Run a vitest suite once per target (PGlite, and PostgreSQL when DATABASE_URL is set), each on
 * its own fresh database created in beforeAll and dropped in afterAll.
 * @example
 * describeEachDb("machines", (ctx) => {
 *   it("inserts", async () => { await ctx.db.insert(cities).values({ key: "x", name: "X" }); });
 * });
 */
export function describeEachDb(name: string, fn: (ctx: EachDbContext) => void): void {
  for (const target of dbTargets()) {
    describe(`${name} [${target}]`, () => {
      let current: TestDb | undefined;
      const ctx: EachDbContext = {
        target,
        get handle() {
          if (!current) throw new Error("the test database is not open yet (use it inside a test or hook)");
          return current;
        },
        get db() {
          return this.handle.db;
        },
      };
      beforeAll(async () => {
        current = await createTestDb(target);
      }, 60_000);
      afterAll(async () => {
        await current?.close();
      }, 60_000);
      fn(ctx);
    });
  }
}
