import { is, type SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import type { WeftDb, WeftTx } from "../types.ts";

/** postgres.js returns an array of rows, PGlite `{ rows }`; this gives rows for either. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  if (typeof result === "object" && result !== null && "rows" in result) {
    const rows = (result as { rows: unknown }).rows;
    if (Array.isArray(rows)) return rows as T[];
  }
  return [];
}

/** Run a raw SQL query on a db or transaction and return its rows, on either driver. */
export async function queryRows<T>(db: WeftDb | WeftTx, query: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(query));
}

/** A timestamp from a raw query: PGlite gives Date, postgres.js (under drizzle) a string. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") {
    // PostgreSQL text form: "2026-11-23 08:00:01.5+00" (or +05:30) → ISO 8601
    const s =
      typeof value === "string"
        ? value.replace(/^(\d{4}-\d\d-\d\d) /, "$1T").replace(/([+-]\d\d)$/, "$1:00")
        : value;
    const d = new Date(s);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new TypeError(`not a timestamp: ${String(value)}`);
}

/** Epoch milliseconds from a Date or epoch-ms number. */
export function toMs(value: Date | number): number {
  return typeof value === "number" ? value : value.getTime();
}

const dialect = new PgDialect({ casing: "snake_case" });

/**
 * {@link queryRows} for hot paths whose SQL text is fixed (values only as parameters): on
 * PostgreSQL the statement is prepared once per connection and reused, saving a parse, a plan and a
 * describe round trip per call (drizzle runs raw SQL unprepared). PGlite runs it as `queryRows`.
 * Do not use it for SQL built with varying text: each distinct text stays prepared on its connection.
 */
export async function queryPrepared<T>(db: WeftDb | WeftTx, query: SQL): Promise<T[]> {
  const session: unknown = db._.session;
  if (!is(session, PostgresJsSession)) return queryRows<T>(db, query);
  const { sql: text, params } = dialect.sqlToQuery(query);
  return rowsOf<T>(await session.client.unsafe(text, params as never[], { prepare: true }));
}
