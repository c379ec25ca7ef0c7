import { createDb } from "@weft/db";
import { createTestDb, describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorOf, startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const GW = "gw-caihong-print";

const reading = (point: string, i: number, value = i) => ({
  machine: "press-01",
  point,
  ts: T0 + i * 1000,
  value,
  quality: "good" as const,
});

describeEachDb("ingest sequence safety", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => T0 + 3_600_000 });
  });
  afterAll(async () => {
    await t?.close();
  });
  const stored = async (point: string): Promise<number> => {
    const [row] = await db.handle.query<{ n: number | string }>(
      sql`select count(*) as n from readings where point_key = ${point}`,
    );
    return Number(row?.n ?? 0);
  };

  it("a reused seq with other readings is 409 SEQ_CONFLICT naming the brain's last seq, and stores nothing", async () => {
    const gw = t.gateway("caihong-print");
    const first = [reading("seqA", 0), reading("seqA", 1)];
    expect((await gw.ingest.push.mutate({ gatewayId: GW, seq: 1, readings: first })).duplicate).toBe(false);
    const replay = await gw.ingest.push.mutate({ gatewayId: GW, seq: 1, readings: first });
    expect(replay).toMatchObject({ duplicate: true, duplicateParts: [1] });
    const err = await errorOf(
      gw.ingest.push.mutate({ gatewayId: GW, seq: 1, readings: [reading("seqA", 5), reading("seqA", 6)] }),
    );
    expect(err.data?.code).toBe("CONFLICT");
    expect(err.data?.httpStatus).toBe(409);
    expect(err.data?.weftCode).toBe("SEQ_CONFLICT");
    expect(err.data?.details).toEqual({ seq: 1, conflicts: 1, lastSeq: 1 });
    expect(await stored("seqA")).toBe(2);
  });

  it("deduplicates a merged upload part by part and reports the brain's seqs through ingest.state", async () => {
    const gw = t.gateway("caihong-print");
    const a = [reading("seqB", 0), reading("seqB", 1)];
    const b = [reading("seqB", 2), reading("seqB", 3), reading("seqB", 4)];
    await gw.ingest.push.mutate({ gatewayId: GW, seq: 10, readings: a });
    const merged = await gw.ingest.push.mutate({
      gatewayId: GW,
      seq: 10,
      parts: [
        { seq: 10, count: 2 },
        { seq: 11, count: 3 },
      ],
      readings: [...a, ...b],
    });
    expect(merged).toMatchObject({ duplicate: false, duplicateParts: [10], accepted: 5 });
    expect(await stored("seqB")).toBe(5);
    const state = await gw.ingest.state.query({ after: 9, upTo: 20 });
    expect(state).toEqual({
      lastSeq: 11,
      batches: [
        { seq: 10, readings: 2 },
        { seq: 11, readings: 3 },
      ],
    });
    expect((await gw.ingest.state.query()).batches).toEqual([]);
  });

  it("rejects a timestamp past JavaScript's date range per reading, keeping the rest", async () => {
    const gw = t.gateway("caihong-print");
    const res = await gw.ingest.push.mutate({
      gatewayId: GW,
      seq: 30,
      readings: [reading("seqC", 0), { ...reading("seqC", 1), ts: 8.64e15 + 1 }],
    });
    expect(res.accepted).toBe(1);
    expect(res.rejected).toEqual([
      {
        index: 1,
        reason:
          "ts 8640000000000001 ms (not a date) is more than 5 minutes ahead of the brain's clock: check the gateway's clock (NTP)",
      },
    ]);
    expect(await stored("seqC")).toBe(1);
  });
});

/** POST one batch as the gateway does and return the raw HTTP answer. */
async function push(url: string, apiKey: string, seq: number): Promise<Response> {
  return fetch(`${url}/trpc/ingest.push`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ gatewayId: GW, seq, readings: [reading("down", seq)] }),
  });
}

describe("a database that is down is 503 with Retry-After, not 500", () => {
  it("PGlite: the handle is closed", async () => {
    const handle = await createTestDb("pglite");
    const t = await startTestBrain(handle, { now: () => T0 + 3_600_000 });
    try {
      const key = t.apiKey("caihong-print");
      expect((await push(t.url, key, 1)).status).toBe(200);
      await handle.close();
      const res = await push(t.url, key, 2);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const body = (await res.json()) as { error: { data: { weftCode: string } } };
      expect(body.error.data.weftCode).toBe("UNAVAILABLE");
    } finally {
      await t.close();
    }
  });

  it.runIf(Boolean(process.env.DATABASE_URL))(
    "PostgreSQL: connections to the database are cut and refused, then allowed again",
    async () => {
      const handle = await createTestDb("postgres");
      const t = await startTestBrain(handle, { now: () => T0 + 3_600_000 });
      const name = new URL(handle.url ?? "").pathname.slice(1);
      const admin = await createDb({ url: process.env.DATABASE_URL, migrate: false, max: 1 });
      const run = (q: string) => admin.query(sql.raw(q));
      try {
        const key = t.apiKey("caihong-print");
        expect((await push(t.url, key, 1)).status).toBe(200);
        await run(`alter database "${name}" with allow_connections false`);
        await admin.query(
          sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`,
        );
        const res = await push(t.url, key, 2);
        expect(res.status).toBe(503);
        expect(res.headers.get("retry-after")).toBe("5");
        await run(`alter database "${name}" with allow_connections true`);
        let after = 0;
        for (let i = 0; i < 20 && after !== 200; i++) {
          after = (await push(t.url, key, 2)).status;
          if (after !== 200) await new Promise((r) => setTimeout(r, 250));
        }
        expect(after).toBe(200);
      } finally {
        await run(`alter database "${name}" with allow_connections true`).catch(() => {});
        await admin.close();
        await t.close();
        await handle.close();
      }
    },
  );
});
