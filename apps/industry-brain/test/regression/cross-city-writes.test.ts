import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { completeCreditCode } from "../../src/seed/demo.ts";
import { codeOf, errorOf, startTestBrain, type TestBrain } from "../harness.ts";

/*
 * Issue 12, case 1. A city administrator created and changed enterprises in another city's parks
 * (the park lookups had no city filter), a park manager got FORBIDDEN for another city's park but
 * NOT_FOUND for one that does not exist (so the answer told which exist), and any city's
 * administrator could drop every city's raw readings and read the whole database's disk use.
 */
describeEachDb("regression: cross-city writes", (db) => {
  let t: TestBrain;
  const enterprise = (key: string, parkKey: string, stem: string) => ({
    key,
    parkKey,
    name: "越界",
    creditCode: completeCreditCode(stem),
    industryCode: "C2311",
    aboveScale: false,
    declaredMachines: 1,
  });
  const inCity2 = () =>
    db.handle.query<{ n: number }>(
      sql`select count(*)::int as n from enterprises e join parks p on p.id = e.park_id where p.key = 'x2-park'`,
    );

  beforeAll(async () => {
    t = await startTestBrain(db.handle);
    await db.handle.query(sql`insert into cities (key, name) values ('x2-city', 'X2')`);
    await db.handle.query(
      sql`insert into parks (key, city_id, name) select 'x2-park', id, 'X2 park' from cities where key = 'x2-city'`,
    );
    await db.handle.query(
      sql`insert into enterprises (key, park_id, name, credit_code, industry_code)
          select 'x2-ent', id, 'X2 ent', ${completeCreditCode("91330302MA2X2X2X2")}, 'C2311' from parks where key = 'x2-park'`,
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a city admin cannot create or change enterprises in another city's park: NOT_FOUND, nothing written", async () => {
    const admin = await t.signedIn("city-admin");
    expect(
      await codeOf(admin.enterprises.create.mutate(enterprise("x-new", "x2-park", "91330302MA2X2X2X3"))),
    ).toBe("NOT_FOUND");
    expect(await codeOf(admin.enterprises.update.mutate({ enterprise: "x2-ent", name: "taken over" }))).toBe(
      "NOT_FOUND",
    );
    const [n] = await inCity2();
    expect(Number(n?.n)).toBe(1);
    const [e] = await db.handle.query<{ name: string }>(
      sql`select name from enterprises where key = 'x2-ent'`,
    );
    expect(e?.name).toBe("X2 ent");
  });

  it("answers another city's park exactly as a park that does not exist", async () => {
    for (const role of ["city-admin", "park-manager"] as const) {
      const c = await t.signedIn(role);
      const other = await errorOf(
        c.enterprises.create.mutate(enterprise("x-a", "x2-park", "91330302MA2X2X2X4")),
      );
      const none = await errorOf(
        c.enterprises.create.mutate(enterprise("x-b", "no-such-park", "91330302MA2X2X2X5")),
      );
      expect(other.data?.code).toBe("NOT_FOUND");
      expect(none.data?.code).toBe("NOT_FOUND");
      expect(other.message.replace("x2-park", "<park>")).toBe(none.message.replace("no-such-park", "<park>"));
    }
  });

  it("retention and disk use span every city: not a city administrator's to run or read", async () => {
    const admin = await t.signedIn("city-admin");
    expect(await codeOf(admin.system.applyRetention.mutate({ keepDays: 1 }))).toBe("FORBIDDEN");
    expect(await codeOf(admin.system.storage.query())).toBe("FORBIDDEN");
  });
});
