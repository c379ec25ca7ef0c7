import { sql } from "drizzle-orm";
import type { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import type { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { expectTypeOf, it } from "vitest";
import type { DbHandle } from "./client.ts";
import type { IngestRawBatchResult } from "./ingest/batch.ts";
import type * as schema from "./schema/index.ts";
import type { WeftDb, WeftExecutor, WeftTx } from "./types.ts";

it("one db type covers both drivers", () => {
  type Pglite = ReturnType<typeof drizzlePglite<typeof schema>>;
  type Postgres = ReturnType<typeof drizzlePostgres<typeof schema>>;
  expectTypeOf<Pglite>().toExtend<WeftDb>();
  expectTypeOf<Postgres>().toExtend<WeftDb>();
  expectTypeOf<WeftTx>().toExtend<WeftExecutor>();
  const count = (h: DbHandle) => h.query<{ n: number }>(sql`select 1 as n`);
  expectTypeOf<ReturnType<typeof count>>().toEqualTypeOf<Promise<{ n: number }[]>>();
  expectTypeOf<IngestRawBatchResult>().toEqualTypeOf<{
    duplicate: boolean;
    inserted: number;
    duplicateParts: number[];
  }>();
});
