import { randomBytes, scryptSync } from "node:crypto";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { client, codeOf, startTestBrain, type TestBrain } from "../harness.ts";

/*
 * Issue 12, case 7. Passwords were hashed with scrypt at N=2^14, below OWASP's guidance. New
 * passwords are argon2id (19 MiB, 2 passes); an old scrypt hash still signs in once and is
 * replaced by argon2id at that sign-in.
 */
describeEachDb("regression: password hashing", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle);
  });
  afterAll(async () => {
    await t?.close();
  });
  const hashOf = async (email: string) =>
    (
      await db.handle.query<{ h: string }>(sql`select password_hash as h from users where email = ${email}`)
    )[0]?.h ?? "";

  it("stores new passwords as argon2id", async () => {
    const admin = await t.signedIn("city-admin");
    await admin.users.create.mutate({
      email: "argon@hash.test",
      name: "argon",
      role: "park-manager",
      password: "a-new-password-1",
      parkKeys: ["luqiao-print-park"],
    });
    expect(await hashOf("argon@hash.test")).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("signs in a user with an old scrypt hash and rehashes it with argon2id", async () => {
    const salt = randomBytes(16);
    const key = scryptSync("old-password-1", salt, 32, { N: 16_384, r: 8, p: 1 });
    const legacy = `scrypt$16384$8$1$${salt.toString("base64url")}$${key.toString("base64url")}`;
    await db.handle.query(
      sql`insert into users (email, name, role, password_hash, city_id)
          select 'legacy@hash.test', 'legacy', 'city-admin', ${legacy}, id from cities where key = 'taizhou'`,
    );
    expect(
      await codeOf(
        client(t.url).auth.login.mutate({ email: "legacy@hash.test", password: "wrong-password" }),
      ),
    ).toBe("UNAUTHORIZED");
    expect(await hashOf("legacy@hash.test")).toBe(legacy);
    await client(t.url).auth.login.mutate({ email: "legacy@hash.test", password: "old-password-1" });
    const now = await hashOf("legacy@hash.test");
    expect(now).toMatch(/^\$argon2id\$/);
    const me = await client(t.url).auth.login.mutate({
      email: "legacy@hash.test",
      password: "old-password-1",
    });
    expect(me.email).toBe("legacy@hash.test");
  });
});
