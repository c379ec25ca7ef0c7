import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiQuery,
  chromiumMissing,
  type Harness,
  login,
  pushReadings,
  shot,
  signedIn,
  startHarness,
  userOf,
  VIEWPORTS,
} from "./harness.ts";

const title = chromiumMissing
  ? `park-admin in Chromium (SKIPPED: ${chromiumMissing})`
  : "park-admin in Chromium";

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it("shows the parks list in Chinese by default and in English after the switch, remembered across reloads", async () => {
    const { context, page } = await signedIn(h, "city-admin");
    await page.goto(`${h.url}/parks`);
    const table = page.getByTestId("parks-table");
    await table.waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("园区列表");
    const zhNames = await table.locator("tbody th").allTextContents();
    expect(zhNames.length).toBe(h.demo.parkKeys.length);
    expect(zhNames.every((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);

    await page.getByTestId("locale-switch").click();
    await page.getByRole("heading", { level: 1, name: "Parks" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    const enNames = await table.locator("tbody th").allTextContents();
    expect(enNames.every((n) => /^[\x20-\x7e]+$/.test(n))).toBe(true);
    expect(await table.locator("thead").textContent()).toContain("Enterprises");

    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Parks" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await context.close();
  });

  it("rejects a wrong password with a message and no session", async () => {
    const context = await h.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${h.url}/login`);
    await page.locator('input[name="email"]').fill(userOf(h.demo, "city-admin").email);
    await page.locator('input[name="password"]').fill("wrong-password");
    await page.locator('button[type="submit"]').click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("邮箱或密码不正确");
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  it("gives each role only what it may see, in the UI and in the API", async () => {
    const admin = await signedIn(h, "city-admin");
    const allParks = await apiQuery<{ items: unknown[] }>(admin.page, "parks.list", { limit: 50 });
    expect(allParks.data.items.length).toBe(h.demo.parkKeys.length);
    expect(await admin.page.getByRole("link", { name: "管理" }).count()).toBe(1);
    await admin.context.close();

    const manager = await signedIn(h, "park-manager");
    const mine = await apiQuery<{ items: { id: number }[] }>(manager.page, "parks.list", { limit: 50 });
    expect(mine.data.items.length).toBeGreaterThan(0);
    expect(mine.data.items.length).toBeLessThan(h.demo.parkKeys.length);
    const ov = await apiQuery<{ totals: { parks: number } }>(manager.page, "coverage.overview", { days: 30 });
    expect(ov.status).toBe(200);
    expect(ov.data.totals.parks).toBe(mine.data.items.length);
    const table = await apiQuery<{ rows: { id: number }[] }>(manager.page, "coverage.parkTable", {
      pageSize: 200,
    });
    expect(table.data.rows.map((p) => p.id).sort()).toEqual(mine.data.items.map((p) => p.id).sort());
    const otherPark = allParks.data.items
      .map((p) => (p as { id: number }).id)
      .find((id) => !mine.data.items.some((m) => m.id === id));
    const foreign = await apiQuery(manager.page, "coverage.park", { parkId: otherPark, days: 30 });
    expect(foreign.status).toBe(404);
    const rules = await apiQuery(manager.page, "coverage.ruleSet.get", {});
    expect(rules.status).toBe(200);
    await manager.context.close();

    const factory = await signedIn(h, "enterprise-user");
    await factory.page.waitForURL((u) => /^\/enterprises\/\d+$/.test(u.pathname));
    await factory.page.getByTestId("enterprise-status").waitFor();
    expect(await factory.page.getByRole("link", { name: "全市总览" }).count()).toBe(0);
    const denied = await apiQuery(factory.page, "coverage.overview", { days: 30 });
    expect(denied.status).toBe(403);
    const theirParks = await apiQuery<{ items: unknown[] }>(factory.page, "parks.list", { limit: 50 });
    expect(theirParks.data.items.length).toBe(1);
    await factory.page.goto(`${h.url}/industries`);
    await factory.page.getByRole("alert").waitFor();
    await factory.context.close();
  });

  it("refreshes machine states live without a reload", async () => {
    const ent = h.demo.gateways[0]?.enterpriseKey ?? "";
    await pushReadings(h, ent, "idle");
    const { context, page } = await signedIn(h, "city-admin");
    const list = await apiQuery<{ items: { id: number; key: string }[] }>(page, "enterprises.list", {
      limit: 50,
    });
    const id = list.data.items.find((e) => e.key === ent)?.id;
    await page.goto(`${h.url}/enterprises/${id}`);
    const firstState = page.locator('[data-testid="machines"] [data-state]').first();
    await expect.poll(() => firstState.getAttribute("data-state"), { timeout: 10_000 }).toBe("idle");
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    await pushReadings(h, ent, "running");
    await expect.poll(() => firstState.getAttribute("data-state"), { timeout: 10_000 }).toBe("running");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await context.close();
  });

  it("signs in through the form as each role and lands on that role's home (last: uses the real password hash)", async () => {
    const homes: Record<string, RegExp> = {
      "city-admin": /^\/$/,
      "enterprise-user": /^\/enterprises\/\d+$/,
      "park-manager": /^\/$/,
    };
    for (const [i, role] of ["city-admin", "enterprise-user", "park-manager"].entries()) {
      const [name, viewport] = Object.entries(VIEWPORTS)[i % 2] ?? ["desktop", VIEWPORTS.desktop];
      const context = await h.browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${h.url}/login`);
      await page.locator('input[name="email"]').waitFor();
      if (i < 2) await shot(page, `login-${name}`);
      await login(page, h.url, userOf(h.demo, role));
      await page.waitForURL((u) => (homes[role] ?? /^\/$/).test(u.pathname));
      await page.locator("main h1").first().waitFor();
      await page.getByRole("button", { name: "退出" }).click();
      await page.waitForURL((x) => x.pathname === "/login");
      await context.close();
    }
  });
});
