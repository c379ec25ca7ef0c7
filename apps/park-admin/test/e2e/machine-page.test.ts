import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { backfillDemo } from "@weft/industry-brain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, type Harness, RESULTS, signedIn, startHarness } from "./harness.ts";

const title = chromiumMissing
  ? `machine page in Chromium (SKIPPED: ${chromiumMissing})`
  : "machine page in Chromium";
const FULL_HD = { width: 1920, height: 1080 };

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    // A week of demo history for two machines of the factory user's enterprise, through ingest.
    await backfillDemo(h.db, { machineKeys: ["press-01", "press-02"], days: 7 });
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  for (const locale of ["zh-CN", "en"] as const) {
    it(`shows a pressed machine's day, month and jobs in ${locale}, reachable from the enterprise's machine table`, async () => {
      const { context, page } = await signedIn(h, "enterprise-user", { locale, viewport: FULL_HD });
      await page.getByTestId("machines").waitFor();
      await page.locator('[data-machine="press-01"] a').click();
      await page.waitForURL((u) => u.pathname === "/machines/press-01");
      await page.getByTestId("machine-page").waitFor();
      await page.getByTestId("machine-timeline").locator("canvas").waitFor();
      await page.getByTestId("machine-losses").locator("canvas").waitFor();
      await page.getByTestId("machine-jobs").waitFor();
      const oee = await page.getByTestId("kpi-oee").textContent();
      expect(oee).toMatch(/^\d+(\.\d)?%$/);
      expect(Number.parseFloat(oee ?? "0")).toBeGreaterThan(0);
      expect(await page.getByTestId("kpi-running-rate").textContent()).toMatch(/^\d+(\.\d)?%$/);
      expect(await page.getByTestId("machine-jobs").locator("tbody tr").count()).toBeGreaterThan(0);
      const kind = await page.locator(".facts dd").first().textContent();
      expect(kind).toBe(locale === "zh-CN" ? "印刷机" : "Printing press");
      const shots = join(RESULTS, "screens");
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, `machine-${locale}-1920x1080.png`) });
      await page.getByTestId("range-month").click();
      await page.getByTestId("range-month").and(page.locator('[aria-pressed="true"]')).waitFor();
      await page.getByTestId("machine-timeline").locator("canvas").waitFor();
      await page.getByTestId("machine-jobs").waitFor();
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.screenshot({ path: join(shots, `machine-${locale}-desktop-month.png`), fullPage: true });
      await context.close();
    });
  }

  for (const locale of ["zh-CN", "en"] as const) {
    it(`ranks enterprises and explains an industry by its weakest machines in ${locale}`, async () => {
      const { context, page } = await signedIn(h, "city-admin", { locale, viewport: FULL_HD });
      await page.goto(`${h.url}/industries`);
      const ranks = page.getByTestId("rankings");
      await ranks.locator("tbody tr").first().waitFor();
      const first = await ranks.locator("tbody tr").first().locator("td.num").textContent();
      expect(first).toMatch(/^\d+(\.\d)?%$/);
      expect(await ranks.locator("svg.spark").count()).toBeGreaterThan(0);
      await page.getByTestId("explain-industry").selectOption("C23");
      const pulls = page.getByTestId("industry-pulls-down");
      await pulls.locator("tbody tr").first().waitFor();
      const values = (await pulls.locator("tbody td.num").allTextContents()).map((v) => Number.parseFloat(v));
      const known = values.filter((v) => !Number.isNaN(v));
      expect(known.length).toBeGreaterThan(0);
      expect(known).toEqual([...known].sort((a, b) => a - b)); // worst first
      const shots = join(RESULTS, "screens");
      await page.screenshot({
        path: join(shots, `industry-rankings-${locale}-1920x1080.png`),
        fullPage: true,
      });
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.screenshot({ path: join(shots, `industry-rankings-${locale}-desktop.png`), fullPage: true });
      await context.close();
    });
  }

  it("shows times in the enterprise's zone, the same in a browser set to UTC or to Los Angeles as in Shanghai", async () => {
    const jobTimes = async (timezoneId: string) => {
      const { context, page } = await signedIn(h, "enterprise-user", { locale: "en", timezoneId });
      await page.goto(`${h.url}/machines/press-01`);
      const rows = page.getByTestId("machine-jobs").locator("tbody tr");
      await rows.first().waitFor();
      const times = await rows.locator("td:last-child").allTextContents();
      await context.close();
      return times;
    };
    const shanghai = await jobTimes("Asia/Shanghai");
    expect(shanghai.length).toBeGreaterThan(0);
    // Before, a UTC browser showed every job 8 hours early and a day shift as starting at midnight.
    expect(await jobTimes("UTC")).toEqual(shanghai);
    expect(await jobTimes("America/Los_Angeles")).toEqual(shanghai);
  });

  it("answers NOT_FOUND for a machine outside the caller's walls, as a page that says so", async () => {
    const { context, page } = await signedIn(h, "enterprise-user", { locale: "en" });
    await page.goto(`${h.url}/machines/robot-cell-01`);
    await page.getByRole("alert").waitFor();
    expect(await page.getByTestId("machine-page").count()).toBe(0);
    await context.close();
  });
});
