import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../../src/env.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";
import { loginAs } from "./login.ts";

/*
 * Issue 12, case 6. No Content-Security-Policy, frame-ancestors / X-Frame-Options,
 * X-Content-Type-Options or Referrer-Policy; the session cookie had no Secure even behind HTTPS;
 * the CLI bound 0.0.0.0 while startBrain bound 127.0.0.1.
 */
const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

describeEachDb("regression: web hardening", (db) => {
  let t: TestBrain;
  let proxied: TestBrain;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "weft-static-"));
    writeFileSync(join(dir, "index.html"), "<!doctype html><title>x</title><div id=root></div>");
    t = await startTestBrain(db.handle, { staticDir: dir });
    // Behind a trusted TLS-terminating proxy on loopback (the test stands in for it).
    proxied = await startTestBrain(db.handle, {
      settings: { trustProxy: { kind: "hops", hops: 1 } },
    } as never);
  });
  afterAll(async () => {
    await t?.close();
    await proxied?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends a strict CSP and the other security headers on pages, API answers and errors", async () => {
    for (const path of ["/", "/parks/1", "/trpc/auth.me", "/health", "/trpc/no.such", "/nothing-here.json"]) {
      const r = await fetch(`${t.url}${path}`);
      for (const [name, value] of Object.entries(SECURITY_HEADERS))
        expect([path, r.headers.get(name)]).toEqual([path, value]);
      const csp = new Map(
        (r.headers.get("content-security-policy") ?? "").split(";").map((d) => {
          const [name = "", ...values] = d.trim().split(/\s+/);
          return [name, values] as const;
        }),
      );
      expect([path, csp.get("frame-ancestors")]).toEqual([path, ["'none'"]]);
      // No inline or eval'd script anywhere; inline style attributes only (ECharts' tooltips).
      for (const [name, values] of csp) {
        expect([path, name, values.includes("'unsafe-eval'")]).toEqual([path, name, false]);
        if (name !== "style-src-attr")
          expect([path, name, values.includes("'unsafe-inline'")]).toEqual([path, name, false]);
      }
    }
    const page = await fetch(`${t.url}/`);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'self';/);
    expect(page.headers.get("content-security-policy")).toMatch(/object-src 'none'/);
  });

  it("marks the session cookie Secure when a trusted proxy says the client used HTTPS", async () => {
    const city = t.demo.users.find((u) => u.role === "city-admin") ?? { email: "", password: "" };
    const https = await loginAs(proxied.url, city.email, city.password, { "x-forwarded-proto": "https" });
    expect(https.setCookie[0]).toMatch(/; Secure/);
    // A client's own claim of HTTPS, with no trusted proxy in front, changes nothing.
    const claimed = await loginAs(t.url, city.email, city.password, { "x-forwarded-proto": "https" });
    expect(claimed.code).toBe("ok");
    expect(claimed.setCookie[0]).not.toMatch(/Secure/);
  });
});

describe("regression: one default bind address", () => {
  it("binds the CLI to loopback by default, as startBrain does", () => {
    expect(readEnv({}).HOST).toBe("127.0.0.1");
  });
});
