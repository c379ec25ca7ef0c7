import { is } from "drizzle-orm";
import { PgliteSession } from "drizzle-orm/pglite";
import { PostgresJsSession } from "drizzle-orm/postgres-js";
import type { WeftExecutor } from "../types.ts";

/** The slice of PGlite's query API a COPY needs (PGlite or its transaction object). */
interface PgliteQueryable {
  query(sql: string, params?: unknown[], options?: { blob?: Blob }): Promise<unknown>;
}

/**
 * `COPY <target> FROM …` with binary data, on the executor's own connection (inside its
 * transaction when it is one): postgres.js streams it as CopyData messages, PGlite reads it from
 * its `/dev/blob` device. `target` is trusted SQL (a table and its column list).
 */
export async function copyFrom(
  db: WeftExecutor,
  target: string,
  parts: readonly Uint8Array[],
): Promise<void> {
  const session: unknown = db._.session;
  if (is(session, PostgresJsSession)) {
    const sink = await session.client.unsafe(`copy ${target} from stdin (format binary)`).writable();
    await new Promise<void>((resolve, reject) => {
      sink.once("error", reject);
      sink.once("finish", resolve);
      for (const part of parts) sink.write(part);
      sink.end();
    });
    return;
  }
  if (is(session, PgliteSession)) {
    // drizzle keeps the PGlite client private; it is the PGlite instance or the open transaction.
    const client = (session as unknown as { client: PgliteQueryable }).client;
    await client.query(`copy ${target} from '/dev/blob' (format binary)`, [], {
      blob: new Blob(parts as Uint8Array<ArrayBuffer>[]),
    });
    return;
  }
  throw new TypeError("copyFrom: unsupported database driver (expected postgres.js or PGlite)");
}
