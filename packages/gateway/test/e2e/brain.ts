import type { DbHandle } from "@weft/db";
import { createTestDb } from "@weft/db/testing";
import { type DemoGateway, type RunningBrain, seedDemo, startBrain } from "@weft/industry-brain";
import { sql } from "drizzle-orm";

/** A real brain (tRPC over HTTP) on embedded PGlite, or PostgreSQL when `url` is given, that can be stopped and restarted on the same port. */
export interface TestBrain {
  /** tRPC endpoint (`…/trpc`). */
  url: string;
  port: number;
  gateways: DemoGateway[];
  db: DbHandle;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  /** Rows in ingested_batches per seq for a gateway (a duplicate would show as a second row… it cannot: PK). */
  batches(gatewayId: string): Promise<{ seq: number; readingCount: number }[]>;
  /** Raw readings stored for a gateway's machines, per point. */
  readingCount(machineKeys: string[]): Promise<number>;
}

/** Uses PostgreSQL (a fresh database, dropped on close) when DATABASE_URL is set, else embedded PGlite. */
export async function startTestBrain(): Promise<TestBrain> {
  const db = await createTestDb(process.env.DATABASE_URL ? "postgres" : "pglite");
  const demo = await seedDemo(db);
  let brain: RunningBrain | null = await startBrain({ db, port: 0, limits: { ingestPerMinute: 1_000_000 } });
  const port = brain.port;
  return {
    url: `${brain.url}/trpc`,
    port,
    gateways: demo.gateways,
    db,
    async stop() {
      await brain?.close();
      brain = null;
    },
    async start() {
      brain ??= await startBrain({ db, port, limits: { ingestPerMinute: 1_000_000 } });
    },
    async close() {
      await brain?.close();
      brain = null;
      await db.close();
    },
    async batches(gatewayId) {
      const rows = await db.query<{ seq: string | number; reading_count: number }>(
        sql`select seq, reading_count from ingested_batches where gateway_id = ${gatewayId} order by seq`,
      );
      return rows.map((r) => ({ seq: Number(r.seq), readingCount: Number(r.reading_count) }));
    },
    async readingCount(machineKeys) {
      const rows = await db.query<{ n: string | number }>(
        sql`select count(*) as n from readings r join machines m on m.id = r.machine_id where m.key in ${machineKeys}`,
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}
