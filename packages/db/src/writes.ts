import { type SQL, sql } from "drizzle-orm";
import { queryPrepared } from "./internal/rows.ts";
import type { WeftExecutor } from "./types.ts";

/**
 * Run several independent data-modifying statements (each an INSERT/UPDATE/DELETE on its own table)
 * as one statement of data-modifying CTEs: one round trip and one parse instead of one each.
 * Prepared on PostgreSQL (the text depends only on which statements are present).
 * They share one snapshot and none sees another's changes, so they must not depend on each other
 * (e.g. a delete and an insert guarded by the same unique index belong in separate calls).
 * `sources` are read-only CTEs (`name as (select …)`) the statements may read, e.g. one UNNEST of
 * values several statements use ({@link rollupDeltasSql}).
 * @example await runWrites(tx, [jobsSql(jobs), machineLiveSql(live)]);
 */
export async function runWrites(
  db: WeftExecutor,
  statements: ReadonlyArray<SQL | null>,
  sources: readonly SQL[] = [],
): Promise<void> {
  const list = statements.filter((s): s is SQL => s !== null);
  if (list.length === 0) return;
  if (list.length === 1 && sources.length === 0) {
    await queryPrepared(db, list[0] as SQL);
    return;
  }
  const ctes = [...sources, ...list.map((s, i) => sql`${sql.raw(`w${i}`)} as (${s})`)];
  await queryPrepared(db, sql`with ${sql.join(ctes, sql`, `)} select 1`);
}
