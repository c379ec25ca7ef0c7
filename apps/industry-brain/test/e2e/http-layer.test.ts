import { gzipSync } from "node:zlib";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseTrustProxy } from "../../src/http/proxy.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";
import { loginAs } from "../regression/login.ts";

describeEachDb("the brain's HTTP layer", (db) => {
  let t: TestBrain;
  let session = "";
  beforeAll(async () => {
    t = await startTestBrain(db.handle, {
      settings: { trustProxy: parseTrustProxy("loopback") },
      limits: { body: { user: 64 * 1024 } },
    });
    const city = t.demo.users.find((u) => u.role === "city-admin") ?? { email: "", password: "" };
    const r = await loginAs(t.url, city.email, city.password);
    session = (r.setCookie[0] ?? "").split(";")[0] ?? "";
  });
  afterAll(async () => {
    await t?.close();
  });

  it("takes the client address from a trusted proxy's X-Forwarded-For (only the hop it added)", async () => {
    const city = t.demo.users.find((u) => u.role === "city-admin") ?? { email: "", password: "" };
    const r = await loginAs(t.url, city.email, city.password, { "x-forwarded-for": "1.1.1.1, 198.51.100.7" });
    expect(r.code).toBe("ok");
    const [row] = await db.handle.query<{ ip: string | null }>(
      sql`select details->>'ip' as ip from audit_log where action = 'auth.login' order by id desc limit 1`,
    );
    expect(row?.ip).toBe("198.51.100.7");
  });

  it("adds HSTS and a Secure cookie when the trusted proxy says HTTPS", async () => {
    const city = t.demo.users.find((u) => u.role === "city-admin") ?? { email: "", password: "" };
    const r = await fetch(`${t.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
      body: JSON.stringify({ email: city.email, password: city.password }),
    });
    expect(r.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(r.headers.getSetCookie()[0]).toMatch(/; Secure$/);
    const plain = await fetch(`${t.url}/trpc/auth.me`);
    expect(plain.headers.get("strict-transport-security")).toBeNull();
  });

  it("gives a signed-in user the user limit, gzip or not, and batch calls an error per call", async () => {
    const body = JSON.stringify({
      "0": { id: 999_999, disabled: false },
      "1": { id: 999_998, disabled: true },
    });
    const ok = await fetch(`${t.url}/trpc/users.setDisabled,users.setDisabled?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "content-encoding": "gzip", cookie: session },
      body: gzipSync(body),
    });
    // Inflated, parsed and run as the signed-in admin: both ids are simply not there.
    const answers = (await ok.json()) as { error: { data: { code: string } } }[];
    expect(answers.map((a) => a.error.data.code)).toEqual(["NOT_FOUND", "NOT_FOUND"]);
    const big = JSON.stringify({ "0": { search: "x".repeat(100 * 1024) }, "1": {} });
    const r = await fetch(`${t.url}/trpc/users.create,users.create?batch=1`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: session },
      body: big,
    });
    expect(r.status).toBe(413);
    const answer = (await r.json()) as { error: { data: { code: string } } }[];
    expect(answer.map((a) => a.error.data.code)).toEqual(["PAYLOAD_TOO_LARGE", "PAYLOAD_TOO_LARGE"]);
  });

  it("refuses an unknown Content-Encoding with 415 and a broken gzip stream with 400", async () => {
    const headers = { "content-type": "application/json", cookie: session };
    const br = await fetch(`${t.url}/trpc/auth.logout`, {
      method: "POST",
      headers: { ...headers, "content-encoding": "br" },
      body: "{}",
    });
    expect(br.status).toBe(415);
    const broken = await fetch(`${t.url}/trpc/auth.logout`, {
      method: "POST",
      headers: { ...headers, "content-encoding": "gzip" },
      body: Buffer.from("not gzip at all"),
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { message: string } }).error.message).toMatch(/gzip/);
  });
});
