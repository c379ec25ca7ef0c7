import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "../harness.ts";

/*
 * Issue 17: Admin → Enterprises said 3/3 and 2/6 while the enterprise and park pages said 2/3 and
 * 0/6 "never". Every page now counts connected machines with one definition (machines/connected.ts).
 */
describeEachDb("connected machines agree on every page", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle);
    const now = Date.now();
    const push = async (ent: string, seq: number, machine: string, ts: number) =>
      t.gateway(ent).ingest.push.mutate({
        gatewayId: `gw-${ent}`,
        seq,
        readings: [{ machine, point: "state", signal: "state", ts, value: "running", quality: "good" }],
      });
    await push("caihong-print", 1, "press-01", now - 60_000);
    // Heard from ten days ago: registered, but outside the 7-day connectivity window.
    await push("caihong-print", 2, "press-02", now - 10 * 86_400_000);
    await push("jinlun-textile", 1, "jinlun-loom-01", now - 3_600_000);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("admin list, coverage pages and the industry brain give the same counts", async () => {
    const admin = await t.signedIn("city-admin");
    const list = await admin.enterprises.list.query({ limit: 50 });
    const adminCounts = Object.fromEntries(list.items.map((e) => [e.key, e.connectedMachines]));
    expect(adminCounts["caihong-print"]).toBe(1);
    expect(adminCounts["jinlun-textile"]).toBe(1);
    expect(adminCounts["dongfang-pack"]).toBe(0);
    for (const e of list.items) {
      const page = await admin.coverage.enterprise.query({ enterpriseId: e.id });
      expect(page.enterprise?.connectedMachines, e.key).toBe(e.connectedMachines);
    }
    const now = Date.now();
    const summary = await admin.industries.summary.query({ range: { from: now - 86_400_000, to: now } });
    const byIndustry = new Map<string, number>();
    for (const e of list.items) {
      const div = e.industryCode.slice(0, 3);
      byIndustry.set(div, (byIndustry.get(div) ?? 0) + e.connectedMachines);
    }
    for (const ind of summary.industries) expect(ind.connected, ind.code).toBe(byIndustry.get(ind.code) ?? 0);
  });
});
