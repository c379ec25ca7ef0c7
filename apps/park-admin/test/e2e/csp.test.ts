import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiQuery, chromiumMissing, type Harness, signedIn, startHarness } from "./harness.ts";

const title = chromiumMissing
  ? `park-admin under its Content-Security-Policy (SKIPPED: ${chromiumMissing})`
  : "park-admin under its Content-Security-Policy";

/** Record every CSP violation the page reports (the listener is added before any page script). */
async function watchViolations(context: BrowserContext): Promise<string[]> {
  const seen: string[] = [];
  await context.exposeFunction("__weftCspViolation", (v: string) => seen.push(v));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as unknown as { __weftCspViolation: (v: string) => void }).__weftCspViolation(
        `${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`,
      );
    });
  });
  context.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

async function hoverChart(page: Page): Promise<void> {
  const chart = page.locator(".chart").first();
  await chart.waitFor();
  const box = await chart.boundingBox();
  if (box) await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  await page.waitForTimeout(300);
}

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("serves every page and API answer with the security headers", async () => {
    for (const path of ["/", "/login", "/parks", "/no-such-page"]) {
      const r = await fetch(`${h.url}${path}`);
      const csp = r.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain("unsafe-eval");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
    }
    const api = await fetch(`${h.url}/trpc/auth.me`);
    expect(api.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(api.headers.get("x-content-type-options")).toBe("nosniff");
    expect(api.headers.get("cache-control")).toBe("no-store");
  });

  it("runs React and ECharts on every page with zero CSP violations", async () => {
    const { context: c0, page: p0 } = await signedIn(h, "city-admin");
    const ents = await apiQuery<{ items: { id: number; key: string; parkId: number }[] }>(
      p0,
      "enterprises.list",
      { limit: 50 },
    );
    await c0.close();
    const e = ents.data.items.find((x) => x.key === "caihong-print");
    const pages: [string, string][] = [
      ["/", '[data-testid="overview-parks"]'],
      ["/parks", '[data-testid="parks-table"]'],
      [`/parks/${e?.parkId}`, '[data-testid="enterprise-checklist"]'],
      [`/enterprises/${e?.id}`, '[data-testid="machines"]'],
      ["/industries", '[data-testid="industries"], .muted'],
      ["/admin/rules", '[data-testid="rule-set"]'],
      ["/admin/gateways", '[data-testid="gateways"]'],
      ["/admin/enterprises", '[data-testid="enterprises"]'],
      ["/admin/users", '[data-testid="users-panel"]'],
    ];
    const { context: ctx, page } = await signedIn(h, "city-admin", { locale: "en" });
    const seen = await watchViolations(ctx);
    let charts = 0;
    for (const [path, ready] of pages) {
      await page.goto(`${h.url}${path}`);
      await page.locator(ready).first().waitFor();
      if ((await page.locator(".chart").count()) > 0) {
        await hoverChart(page);
        // ECharts drew on its canvas (not an empty box).
        const drawn = await page
          .locator(".chart canvas")
          .first()
          .evaluate((c) => (c as HTMLCanvasElement).width > 0 && (c as HTMLCanvasElement).height > 0);
        expect(drawn).toBe(true);
        charts++;
      }
    }
    expect(charts).toBeGreaterThan(0);
    expect(seen).toEqual([]);

    // The policy is really enforced: an injected inline script is refused and reported.
    const ran = await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__weftInjected = true";
      document.body.appendChild(s);
      return (window as unknown as { __weftInjected?: boolean }).__weftInjected === true;
    });
    expect(ran).toBe(false);
    await page.waitForTimeout(100);
    expect(seen.some((v) => v.startsWith("script-src"))).toBe(true);
    await ctx.close();
  });
});
