import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestBrain, type TestBrain } from "../harness.ts";
import { loginAs } from "./login.ts";

/*
 * Issue 12, case 4. The sign-in limit was checked before, and counted after, the password hash:
 * parallel guesses all passed the check. And ten failures on an e-mail from anywhere locked the
 * real user out. Now every attempt is counted atomically before the hash, per address and account
 * (with doubling delays), and the account-wide brake spares addresses the user signs in from.
 */
describeEachDb("regression: sign-in limit race and lockout", (db) => {
  let t: TestBrain;
  const user = (role: string) => t.demo.users.find((u) => u.role === role) ?? { email: "", password: "" };
  const from = (ip: string) => ({ "x-forwarded-for": ip });
  beforeAll(async () => {
    // One trusted proxy hop (the test itself), so each request may say which client it stands for.
    t = await startTestBrain(db.handle, { settings: { trustProxy: { kind: "hops", hops: 1 } } } as never);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lets at most five of twenty parallel guesses reach the password hash", async () => {
    const { email } = user("park-manager");
    const codes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => loginAs(t.url, email, `wrong-${i}`, from("203.0.113.50"))),
    );
    const tried = codes.filter((c) => c.code === "UNAUTHORIZED").length;
    expect(tried).toBeLessThanOrEqual(5);
    expect(tried).toBeGreaterThan(0);
    expect(codes.filter((c) => c.code === "TOO_MANY_REQUESTS").length).toBe(20 - tried);
  });

  it("does not lock the real user out after someone else's failures", async () => {
    const { email, password } = user("city-admin");
    const attacker: string[] = [];
    for (let i = 0; i < 12; i++)
      attacker.push((await loginAs(t.url, email, `guess-${i}`, from("203.0.113.9"))).code);
    expect(attacker.slice(0, 5)).toEqual(Array(5).fill("UNAUTHORIZED"));
    expect(attacker.slice(5)).toEqual(Array(7).fill("TOO_MANY_REQUESTS"));
    expect((await loginAs(t.url, email, password, from("198.51.100.20"))).code).toBe("ok");
  });

  it("brakes guessing from many addresses, but not the user's known address", async () => {
    const { email, password } = user("city-admin");
    const codes: string[] = [];
    for (let i = 0; i < 25; i++)
      codes.push((await loginAs(t.url, email, "guess", from(`192.0.2.${i + 1}`))).code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill("UNAUTHORIZED"));
    expect(codes.slice(-5)).toEqual(Array(5).fill("TOO_MANY_REQUESTS"));
    // The address the user signed in from before is exempt from the account-wide brake.
    expect((await loginAs(t.url, email, password, from("198.51.100.20"))).code).toBe("ok");
  });
});
