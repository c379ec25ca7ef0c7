import { auditLog, cities, users } from "@weft/db/schema";
import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { codeOf, startTestBrain, type TestBrain } from "../harness.ts";

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

describeEachDb("audit log API", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => T0 + 3_600_000 });
    const gw = t.gateway("caihong-print");
    for (let seq = 1; seq <= 3; seq++) {
      await gw.ingest.push.mutate({
        gatewayId: "gw-caihong-print",
        seq,
        readings: [{ machine: "press-01", point: "Speed", ts: T0 + seq * 1000, value: seq, quality: "good" }],
      });
    }
    // A write by another city's administrator: not this city's business.
    const [city] = await db.db.insert(cities).values({ key: "ningbo", name: "宁波" }).returning();
    const [other] = await db.db
      .insert(users)
      .values({
        email: "nb@example.com",
        name: "NB",
        role: "city-admin",
        passwordHash: "x",
        cityId: city?.id,
      })
      .returning();
    await db.db.insert(auditLog).values({
      actor: `user:${other?.id}`,
      actorUserId: other?.id,
      action: "park.create",
      target: "park:x",
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists the city's writes newest first, in pages, with every ingest batch", async () => {
    const admin = await t.signedIn("city-admin");
    const all: Awaited<ReturnType<typeof admin.system.auditLog.query>>["items"] = [];
    let cursor: number | null = null;
    do {
      const page: Awaited<ReturnType<typeof admin.system.auditLog.query>> = await admin.system.auditLog.query(
        {
          limit: 2,
          cursor,
        },
      );
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
    expect(all.some((e) => e.action === "auth.login")).toBe(true);
    expect(all.filter((e) => e.action === "ingest.batch").map((e) => e.details?.seq)).toEqual([3, 2, 1]);
    expect(all.some((e) => e.action === "park.create")).toBe(false);
  });

  it("filters by action prefix, actor and time, and is for city administrators only", async () => {
    const admin = await t.signedIn("city-admin");
    const ingest = await admin.system.auditLog.query({ action: "ingest." });
    expect(ingest.items.map((e) => e.actor)).toEqual(Array(3).fill("gateway:gw-caihong-print"));
    const byGateway = await admin.system.auditLog.query({ actor: "gateway:gw-caihong-print", limit: 1 });
    expect(byGateway.items).toHaveLength(1);
    expect(byGateway.nextCursor).not.toBeNull();
    const future = await admin.system.auditLog.query({ since: Date.now() + 86_400_000 });
    expect(future.items).toEqual([]);
    const park = await t.signedIn("park-manager");
    expect(await codeOf(park.system.auditLog.query({}))).toBe("FORBIDDEN");
  });
});
