import { cities, enterprises, users } from "@weft/db/schema";
import { describeEachDb } from "@weft/db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "../harness.ts";

/**
 * The app shows days and shifts in the zone the brain cuts them in, not the browser's: `auth.me`
 * names it per user (the enterprise's for an enterprise user, the city's for the others).
 */
describeEachDb("auth.me time zone", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("is the enterprise's zone for an enterprise user and the city's for a city admin and a park manager", async () => {
    const { db: d } = db.handle;
    const enterprise = await t.signedIn("enterprise-user");
    const me = await enterprise.auth.me.query();
    const [u] = await d
      .select()
      .from(users)
      .where(eq(users.id, me?.id ?? 0));
    const [city] = await d.select().from(cities).limit(1);
    // Two zones no default could guess, so each answer must come from its own row.
    await d.update(cities).set({ timeZone: "America/Sao_Paulo" });
    await d
      .update(enterprises)
      .set({ timeZone: "Asia/Kathmandu" })
      .where(eq(enterprises.id, u?.enterpriseId ?? 0));
    expect((await enterprise.auth.me.query())?.timeZone).toBe("Asia/Kathmandu");
    expect((await (await t.signedIn("city-admin")).auth.me.query())?.timeZone).toBe("America/Sao_Paulo");
    const pm = await t.signedIn("park-manager");
    expect((await pm.auth.me.query())?.timeZone).toBe("America/Sao_Paulo");
    await d.update(cities).set({ timeZone: city?.timeZone ?? "Asia/Shanghai" });
  });
});
