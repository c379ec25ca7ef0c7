import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "../harness.ts";
import { loginAs } from "./login.ts";

/*
 * Issue 12, case 3. The client address was the first X-Forwarded-For entry, believed from anyone:
 * rotating the header bypassed the per-address sign-in limit, and logs recorded what the client
 * claimed. Without WEFT_TRUST_PROXY the header is now ignored.
 */
describeEachDb("regression: spoofed X-Forwarded-For", (db) => {
  let direct: TestBrain;
  beforeAll(async () => {
    direct = await startTestBrain(db.handle);
  });
  afterAll(async () => {
    await direct?.close();
  });

  it("records the real peer in the audit log, not the claimed address", async () => {
    const city = direct.demo.users.find((u) => u.role === "city-admin");
    const r = await loginAs(direct.url, city?.email ?? "", city?.password ?? "", {
      "x-forwarded-for": "198.51.100.66",
    });
    expect(r.code).toBe("ok");
    const [row] = await db.handle.query<{ ip: string | null }>(
      sql`select details->>'ip' as ip from audit_log where action = 'auth.login' order by id desc limit 1`,
    );
    expect(row?.ip).toBe("127.0.0.1");
  });

  it("keeps counting one address however the client rotates X-Forwarded-For", async () => {
    const codes: string[] = [];
    // Password spraying: a different account each time, a different claimed address each time.
    for (let i = 0; i < 32; i++) {
      const r = await loginAs(direct.url, `nobody-${i}@spray.test`, "guess-123", {
        "x-forwarded-for": `203.0.113.${i + 1}`,
      });
      codes.push(r.code);
    }
    // 30 attempts per address (one of them the sign-in above), then the address waits.
    expect(codes.slice(0, 29)).toEqual(Array(29).fill("UNAUTHORIZED"));
    expect(codes.slice(29)).toEqual(Array(3).fill("TOO_MANY_REQUESTS"));
  });
});
