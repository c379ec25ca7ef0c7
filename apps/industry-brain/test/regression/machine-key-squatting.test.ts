import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "../harness.ts";

/*
 * Issue 12, case 2. Machine keys were global: once gateway A registered a key, gateway B of another
 * enterprise got 403 for its own machine of that key, for every batch, forever.
 */
describeEachDb("regression: machine-key squatting", (db) => {
  let t: TestBrain;
  const now = Date.now();
  beforeAll(async () => {
    t = await startTestBrain(db.handle);
  });
  afterAll(async () => {
    await t?.close();
  });

  const batch = (gatewayId: string, seq: number, value: number) => ({
    gatewayId,
    seq,
    readings: [
      { machine: "line-robot-1", point: "Count", ts: now - 60_000, value, quality: "good" as const },
    ],
  });
  const readingsOf = async (enterpriseKey: string) => {
    const [r] = await db.handle.query<{ n: number }>(
      sql`select count(*)::int as n from readings r join machines m on m.id = r.machine_id
          join enterprises e on e.id = m.enterprise_id where m.key = 'line-robot-1' and e.key = ${enterpriseKey}`,
    );
    return Number(r?.n ?? 0);
  };

  it("lets another enterprise's gateway use a key that one gateway registered first", async () => {
    const a = await t.gateway("caihong-print").ingest.push.mutate(batch("gw-caihong-print", 1, 1));
    expect(a.registered).toEqual(["line-robot-1"]);
    const b = await t.gateway("jinggong-robotics").ingest.push.mutate(batch("gw-jinggong-robotics", 1, 2));
    expect(b).toMatchObject({ accepted: 1, duplicate: false, registered: ["line-robot-1"] });
    // Two machines, one per enterprise; neither gateway wrote the other's.
    expect(await readingsOf("caihong-print")).toBe(1);
    expect(await readingsOf("jinggong-robotics")).toBe(1);
    const again = await t.gateway("caihong-print").ingest.push.mutate(batch("gw-caihong-print", 2, 3));
    expect(again.registered).toEqual([]);
    expect(await readingsOf("caihong-print")).toBe(2);
    expect(await readingsOf("jinggong-robotics")).toBe(1);
  });
});
