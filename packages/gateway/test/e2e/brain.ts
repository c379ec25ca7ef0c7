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
  /** How many times the brain stored each (point, ts) of a machine. */
  readingKeys(machine: string): Promise<Map<string, number>>;
  /** A new gateway of a demo enterprise (signed in as the city admin, over HTTP); its API key. */
  createGateway(id: string, enterprise?: string): Promise<string>;
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
    async readingKeys(machine) {
      const rows = await db.query<{ k: string; n: string | number }>(
        sql`select r.point_key || '@' || (extract(epoch from r.ts) * 1000)::bigint as k, count(*) as n
            from readings r join machines m on m.id = r.machine_id where m.key = ${machine} group by 1`,
      );
      return new Map(rows.map((r) => [r.k, Number(r.n)]));
    },
    async createGateway(id, enterprise = "jinggong-robotics") {
      const admin = demo.users.find((u) => u.role === "city-admin");
      if (!admin) throw new Error("no demo city admin");
      const base = `${brain?.url}/trpc`;
      const login = await fetch(`${base}/auth.login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: admin.email, password: admin.password }),
      });
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(";")[0])
        .join("; ");
      const res = await fetch(`${base}/gateways.create`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie },
        body: JSON.stringify({ enterprise, id, name: id }),
      });
      const body = (await res.json()) as { result?: { data?: { apiKey: string } }; error?: unknown };
      if (!body.result?.data) throw new Error(`gateways.create ${id}: ${JSON.stringify(body.error)}`);
      return body.result.data.apiKey;
    },
    async readingCount(machineKeys) {
      const rows = await db.query<{ n: string | number }>(
        sql`select count(*) as n from readings r join machines m on m.id = r.machine_id where m.key in ${machineKeys}`,
      );
      return Number(rows[0]?.n ?? 0);
    },
  };
}
