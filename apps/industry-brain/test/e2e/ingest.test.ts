import { gzipSync } from "node:zlib";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { codeOf, errorOf, startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

describeEachDb("ingest.push over HTTP", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => T0 + 3_600_000 });
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = async (q: ReturnType<typeof sql>): Promise<number> => {
    const [row] = await db.handle.query<{ n: number | string }>(q);
    return Number(row?.n ?? 0);
  };

  it("rejects a malformed batch with BAD_REQUEST naming the field", async () => {
    const gw = t.gateway("caihong-print");
    const err = await errorOf(
      gw.ingest.push.mutate({
        gatewayId: "gw-caihong-print",
        seq: 1,
        // @ts-expect-error: quality is not one of good/uncertain/bad
        readings: [{ machine: "press-01", point: "Speed", ts: T0, value: 1, quality: "great" }],
      }),
    );
    expect(err.data?.code).toBe("BAD_REQUEST");
    expect(err.data?.fields?.map((f) => f.field)).toContain("readings[0].quality");
    expect(err.message).toContain("readings[0].quality");
  });

  it("rejects an unknown API key and a revoked one with UNAUTHORIZED", async () => {
    const { client } = await import("../harness.ts");
    const batch = {
      gatewayId: "gw-caihong-print",
      seq: 1,
      readings: [{ machine: "press-01", point: "Speed", ts: T0, value: 1, quality: "good" as const }],
    };
    expect(
      await codeOf(
        client(t.url, { apiKey: "wft_0123456789_not-a-real-key-not-a-real-key-xxxx" }).ingest.push.mutate(
          batch,
        ),
      ),
    ).toBe("UNAUTHORIZED");
    expect(await codeOf(client(t.url).ingest.push.mutate(batch))).toBe("UNAUTHORIZED");
    const admin = await t.signedIn("city-admin");
    const created = await admin.gateways.create.mutate({
      enterprise: "caihong-print",
      id: "gw-temp",
      name: "temp",
    });
    const temp = client(t.url, { apiKey: created.apiKey });
    const ok = await temp.ingest.push.mutate({ ...batch, gatewayId: "gw-temp" });
    expect(ok.accepted).toBe(1);
    await admin.gateways.revoke.mutate({ id: "gw-temp" });
    expect(await codeOf(temp.ingest.push.mutate({ ...batch, gatewayId: "gw-temp", seq: 2 }))).toBe(
      "UNAUTHORIZED",
    );
    const audit = await db.handle.query<{ action: string }>(
      sql`select action from audit_log where target = 'gateway:gw-temp' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(["gateway.create", "ingest.batch", "gateway.revoke"]);
  });

  it("accepts a gzip-encoded batch and refuses an unknown Content-Encoding with 415", async () => {
    const batch = {
      gatewayId: "gw-caihong-print",
      seq: 700,
      readings: [{ machine: "press-01", point: "Speed", ts: T0, value: 9000, quality: "good" }],
    };
    const post = (body: Buffer | string, encoding: string) =>
      fetch(`${t.url}/trpc/ingest.push`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-encoding": encoding,
          authorization: `Bearer ${t.apiKey("caihong-print")}`,
        },
        body,
      });
    const ok = await post(gzipSync(JSON.stringify(batch)), "gzip");
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { result: { data: { accepted: number } } }).result.data.accepted).toBe(1);
    expect(await count(sql`select count(*) as n from ingested_batches where seq = 700`)).toBe(1);
    const refused = await post(JSON.stringify({ ...batch, seq: 701 }), "br");
    expect(refused.status).toBe(415);
    const broken = await post(Buffer.from("not gzip at all"), "gzip");
    expect(broken.status).toBe(400);
    expect(await count(sql`select count(*) as n from ingested_batches where seq in (701)`)).toBe(0);
  });

  it("accepts a replayed batch and stores no duplicate row", async () => {
    const gw = t.gateway("caihong-print");
    const readings = Array.from({ length: 50 }, (_, i) => ({
      machine: "press-02",
      point: "TotalProductionCounter",
      signal: "totalCount" as const,
      ts: T0 + i * 1000,
      value: 1000 + i * 3,
      quality: "good" as const,
    }));
    const first = await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: 100, readings });
    expect(first).toMatchObject({ accepted: 50, duplicate: false, rejected: [] });
    const again = await gw.ingest.push.mutate({ gatewayId: "gw-caihong-print", seq: 100, readings });
    expect(again).toMatchObject({ accepted: 50, duplicate: true });
    expect(
      await count(
        sql`select count(*) as n from readings r join machines m on m.id = r.machine_id where m.key = 'press-02'`,
      ),
    ).toBe(50);
    const produced = await count(
      sql`select coalesce(sum(produced), 0) as n from machine_minute_rollups r join machines m on m.id = r.machine_id where m.key = 'press-02'`,
    );
    expect(produced).toBe(49 * 3);
    // Every stored batch is in the audit log once (the replay wrote nothing).
    const audited = await db.handle.query<{ actor: string; target: string; details: unknown }>(
      sql`select actor, target, details from audit_log where action = 'ingest.batch'
          and (details->>'seq')::int = 100`,
    );
    expect(audited).toHaveLength(1);
    const details = audited[0]?.details;
    expect(typeof details === "string" ? JSON.parse(details) : details).toEqual({
      seq: 100,
      readings: 50,
      rejected: 0,
    });
    expect(audited[0]).toMatchObject({
      actor: "gateway:gw-caihong-print",
      target: "gateway:gw-caihong-print",
    });
  });

  it("takes a machine key another enterprise also uses as this enterprise's own machine", async () => {
    const gw = t.gateway("caihong-print");
    const theirs = sql`select count(*) as n from readings r join machines m on m.id = r.machine_id
      join enterprises e on e.id = m.enterprise_id where m.key = 'robot-cell-01' and e.key = 'jinggong-robotics'`;
    const before = await count(theirs);
    const ok = await gw.ingest.push.mutate({
      gatewayId: "gw-caihong-print",
      seq: 200,
      readings: [
        { machine: "press-01", point: "Speed", ts: T0, value: 1, quality: "good" },
        { machine: "robot-cell-01", point: "CycleCounter", ts: T0, value: 1, quality: "good" },
      ],
    });
    // Keys are per enterprise: caihong now has its own robot-cell-01; jinggong's is untouched.
    expect(ok).toMatchObject({ accepted: 2, duplicate: false, registered: ["robot-cell-01"] });
    expect(await count(theirs)).toBe(before);
    const owners = await db.handle.query<{ key: string }>(
      sql`select e.key from machines m join enterprises e on e.id = m.enterprise_id
          where m.key = 'robot-cell-01' order by e.key`,
    );
    expect(owners.map((o) => o.key)).toEqual(["caihong-print", "jinggong-robotics"]);
  });

  it("refuses a batch naming another gateway's id", async () => {
    const gw = t.gateway("caihong-print");
    const err = await errorOf(
      gw.ingest.push.mutate({
        gatewayId: "gw-dongfang-pack",
        seq: 1,
        readings: [{ machine: "press-01", point: "x", ts: T0, value: 1, quality: "good" }],
      }),
    );
    expect(err.data?.code).toBe("FORBIDDEN");
  });

  it("rejects future and ancient readings one by one and keeps the rest", async () => {
    const gw = t.gateway("caihong-print");
    const now = T0 + 3_600_000;
    const res = await gw.ingest.push.mutate({
      gatewayId: "gw-caihong-print",
      seq: 300,
      readings: [
        { machine: "folder-01", point: "Speed", ts: T0, value: 1, quality: "good" },
        { machine: "folder-01", point: "Speed", ts: now + 10 * 60_000, value: 2, quality: "good" },
        { machine: "folder-01", point: "Speed", ts: Date.UTC(1999, 11, 31), value: 3, quality: "good" },
        { machine: "folder-01", point: "Speed", ts: now + 60_000, value: 4, quality: "good" },
      ],
    });
    expect(res.accepted).toBe(2);
    expect(res.rejected.map((r) => r.index)).toEqual([1, 2]);
    expect(res.rejected[0]?.reason).toMatch(/ahead/);
    expect(res.rejected[1]?.reason).toMatch(/2000/);
    const vals = await db.handle.query<{ v: number }>(
      sql`select value_num as v from readings r join machines m on m.id = r.machine_id where m.key = 'folder-01' order by ts`,
    );
    expect(vals.map((v) => Number(v.v))).toEqual([1, 4]);
  });

  it("registers an unknown machine key in the gateway's enterprise", async () => {
    const gw = t.gateway("jinggong-robotics");
    const res = await gw.ingest.push.mutate({
      gatewayId: "gw-jinggong-robotics",
      seq: 1,
      readings: [{ machine: "robot-cell-09", point: "Mode", ts: T0, value: 1, quality: "good" }],
    });
    expect(res.registered).toEqual(["robot-cell-09"]);
    const [row] = await db.handle.query<{ key: string }>(
      sql`select e.key from machines m join enterprises e on e.id = m.enterprise_id where m.key = 'robot-cell-09'`,
    );
    expect(row?.key).toBe("jinggong-robotics");
  });
});
