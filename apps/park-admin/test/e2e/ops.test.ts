import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DEFAULT_SETTINGS, deliverDue, evaluateAlerts } from "@weft/industry-brain";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { opsZhCN } from "../../src/i18n/ops.zh-CN.ts";
import { apiQuery, chromiumMissing, type Harness, RESULTS, shot, signedIn, startHarness } from "./harness.ts";

const title = chromiumMissing
  ? `alerts, job ledger and wall display in Chromium (SKIPPED: ${chromiumMissing})`
  : "alerts, job ledger and wall display in Chromium";

const MIN = 60_000;
const LOCALES = ["zh-CN", "en"] as const;
const FULL_HD = { width: 1920, height: 1080 };
const UHD = { width: 3840, height: 2160 };

/** A press run on press-01 with a job id, make-ready (setup) then running, counts, scrap and energy. */
async function pushJob(h: Harness, jobId: string, seq: number): Promise<void> {
  const gw = h.demo.gateways.find((g) => g.enterpriseKey === "caihong-print");
  if (!gw) throw new Error("no caihong-print gateway");
  const t0 = Date.now() - 40 * MIN;
  const r = (ts: number, point: string, signal: string, value: string | number) => ({
    machine: "press-01",
    point,
    signal,
    ts,
    value,
    quality: "good",
  });
  const readings = [r(t0, "Job", "job", jobId), r(t0, "State", "state", "setup")];
  for (let i = 0; i <= 30; i++) {
    const ts = t0 + i * MIN;
    if (i === 10) readings.push(r(ts, "State", "state", "running"));
    readings.push(r(ts, "Total", "totalCount", i < 10 ? i * 5 : 50 + (i - 10) * 400));
    readings.push(r(ts, "Reject", "rejectCount", i < 10 ? i * 5 : 50 + (i - 10) * 4));
    readings.push(r(ts, "Energy", "energyKwh", 1000 + i * 1.5));
  }
  readings.push(r(t0 + 31 * MIN, "State", "state", "down"));
  const res = await fetch(`${h.url}/trpc/ingest.push`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${gw.apiKey}` },
    body: JSON.stringify({ gatewayId: gw.gatewayId, seq, readings: readings.sort((a, b) => a.ts - b.ts) }),
  });
  if (!res.ok) throw new Error(`ingest.push ${res.status}: ${await res.text()}`);
}

/** Every text node visible on the page, for checking that nothing of the other language leaks. */
async function visibleText(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees
  return page.evaluate(() => document.body.innerText);
}

/** Chinese UI strings of this feature (without parameters) that show on an English page. */
function chineseLeaks(text: string): string[] {
  return Object.values(opsZhCN).filter(
    (v) => !v.includes("{") && /[\u4e00-\u9fff]/.test(v) && text.includes(v),
  );
}

interface Hook {
  path: string;
  body: string;
  timestamp: string;
  signature: string;
}

/** A local webhook receiver on a free port. */
async function startReceiver(): Promise<{ server: Server; url: string; got: Hook[] }> {
  const got: Hook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      got.push({
        path: req.url ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
        timestamp: String(req.headers["x-weft-timestamp"]),
        signature: String(req.headers["x-weft-signature"]),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    rx = await startReceiver();
    // The test runs the alert rounds itself: the brain's own 30 s round could open the alert first.
    h = await startHarness({ background: false });
    await pushJob(h, "J-2026-118", 50_000);
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((r) => rx?.server.close(r));
  });

  it("sets a rule without code, shows the alert with a badge, and acknowledges it with who and when", async () => {
    for (const locale of LOCALES) {
      const { context, page } = await signedIn(h, "enterprise-user", { locale });
      await page.goto(`${h.url}/alerts`);
      const form = page.getByTestId("rule-form");
      await form.locator('input[name="name"]').fill(locale === "en" ? "Press down" : "印刷机停机");
      await form.locator('select[name="kind"]').selectOption("machine-down");
      await form.locator('input[name="minutes"]').fill("5");
      await form.locator('input[name="webhookUrl"]').fill(`${rx.url}/hook-${locale}`);
      await form.locator('select[name="webhookFormat"]').selectOption("json");
      await form.locator('input[name="webhookSecret"]').fill("browser-test-key");
      await form.locator('button[type="submit"]').click();
      await page.getByTestId("rule-created").waitFor();
      const opened = await evaluateAlerts(h.db, Date.now(), DEFAULT_SETTINGS.staleAfterMs);
      expect(opened.opened).toBeGreaterThan(0);
      // The rule's webhook reaches a receiver on this machine, signed with the key typed in the form.
      await deliverDue(h.db, { now: () => Date.now(), allowPrivateTargets: true });
      const hook = rx.got.find((g) => g.path === `/hook-${locale}`);
      expect(hook).toBeDefined();
      const sig = createHmac("sha256", "browser-test-key")
        .update(`${hook?.timestamp}.${hook?.body}`)
        .digest("hex");
      expect(hook?.signature).toBe(`sha256=${sig}`);
      expect(JSON.parse(hook?.body ?? "{}").type).toBe("alert.open");
      await page.reload();
      const badge = page.getByTestId("alert-badge");
      await badge.waitFor();
      const api = await apiQuery<{ counts: { open: number } }>(page, "alerts.list", {
        status: "open",
        limit: 1,
      });
      expect(Number(await badge.getAttribute("data-count"))).toBe(api.data.counts.open);
      const row = page.locator('[data-testid="alerts"] tbody tr[data-status="open"]').first();
      await row.waitFor();
      const text = await visibleText(page);
      if (locale === "en") expect(chineseLeaks(text)).toEqual([]);
      else expect(text).toContain("告警中心");
      await shot(page, `alerts-${locale}-desktop`);
      await row.getByRole("button", { name: locale === "en" ? "Acknowledge" : "确认" }).click();
      const acked = page.locator('[data-testid="alerts"] tbody tr[data-status="acknowledged"]').first();
      await acked.waitFor();
      const history = await acked.getByTestId("alert-history").textContent();
      expect(history).toContain("彩虹印务 生产主管");
      expect(history).toContain(locale === "en" ? "Acknowledged by" : "确认");
      await page.setViewportSize(FULL_HD);
      await shot(page, `alerts-${locale}-1920x1080`);
      await context.close();
    }
  });

  it("creates an order ahead, sets rates, and settles the job in the ledger; exports XLSX", async () => {
    for (const locale of LOCALES) {
      const { context, page } = await signedIn(h, "enterprise-user", { locale });
      await page.goto(`${h.url}/ledger`);
      const order = page.getByTestId("order-form");
      await order.locator('input[name="jobId"]').fill(locale === "en" ? "J-2026-118" : "J-2026-118");
      await order.locator('input[name="customer"]').fill("台州日报社");
      await order.locator('input[name="plannedQty"]').fill("8000");
      await order.locator('button[type="submit"]').click();
      await page.getByTestId("ledger-notice").waitFor();
      const rates = page.getByTestId("rates-form");
      await rates.locator('input[name="perMachineHour"]').fill("120");
      await rates.locator('input[name="perKwh"]').fill("0.8");
      await rates.locator('input[name="perThousandSheets"]').fill("35");
      await rates.locator('input[name="wasteAllowance"]').fill("3");
      await rates.locator('button[type="submit"]').click();
      await page.getByTestId("ledger-notice").waitFor();
      const row = page.locator('[data-testid="ledger"] tr[data-job-id="J-2026-118"]');
      await row.waitFor();
      const api = await apiQuery<{
        items: {
          jobId: string;
          customer: string;
          plannedQty: number;
          produced: number;
          wasteMakeReady: number;
          settlement: { total: number } | null;
        }[];
      }>(page, "orders.ledger", {});
      const line = api.data.items.find((l) => l.jobId === "J-2026-118");
      expect(line?.customer).toBe("台州日报社");
      expect(line?.plannedQty).toBe(8000);
      expect(line?.produced).toBeGreaterThan(0);
      expect(line?.wasteMakeReady).toBeGreaterThan(0);
      expect(line?.settlement?.total).toBeGreaterThan(0);
      await expect
        .poll(() => row.getByTestId("settlement").getAttribute("data-value"))
        .toBe(String(line?.settlement?.total));
      await row.getByText("台州日报社").waitFor();
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByTestId("ledger-export").click(),
      ]);
      expect(download.suggestedFilename()).toBe(locale === "en" ? "job-ledger.xlsx" : "工单台账.xlsx");
      if (locale === "en") expect(chineseLeaks(await visibleText(page))).toEqual([]);
      await shot(page, `ledger-${locale}-desktop`);
      await page.setViewportSize(FULL_HD);
      await shot(page, `ledger-${locale}-1920x1080`);
      await context.close();
    }
  });

  it("shows the wall display with a token a city-admin issues, without a login, and stops after revocation", async () => {
    const { context, page } = await signedIn(h, "city-admin", { locale: "zh-CN" });
    await page.goto(`${h.url}/admin/displays`);
    await page.getByTestId("display-form").locator('input[name="name"]').fill("指挥中心大屏");
    await page.getByTestId("display-form").locator('button[type="submit"]').click();
    const address = (await page.getByTestId("display-once").locator("code").textContent()) ?? "";
    expect(address).toMatch(/\/wall#token=wd_/);
    await deliverDue(h.db, { now: () => Date.now() });
    const screen = await h.browser.newContext({ viewport: FULL_HD });
    for (const [locale, viewport, name] of [
      ["zh-CN", FULL_HD, "1920x1080"],
      ["en", FULL_HD, "1920x1080"],
      ["zh-CN", UHD, "3840x2160"],
      ["en", UHD, "3840x2160"],
    ] as const) {
      const p = await screen.newPage();
      await p.setViewportSize(viewport);
      await p.goto(`${address}&lang=${locale}`);
      await p.getByTestId("wall-coverage").waitFor();
      expect(await p.locator('input[type="password"]').count()).toBe(0);
      const total = Number(
        await p.getByTestId("wall-machines").locator(".wall-big").getAttribute("data-value"),
      );
      expect(total).toBeGreaterThan(0);
      const alerts = await p.getByTestId("wall-alerts").textContent();
      expect(alerts).toContain(locale === "en" ? "Live alerts" : "实时告警");
      if (locale === "en") expect(chineseLeaks(await visibleText(p))).toEqual([]);
      // Full screen: the wall fills the viewport without scrolling.
      const size = await p.evaluate(() => ({
        w: document.documentElement.scrollWidth,
        h: document.documentElement.scrollHeight,
      }));
      expect(size).toEqual({ w: viewport.width, h: viewport.height });
      await p.waitForTimeout(900); // the ticker's fade-in and the chart's first frame
      await p.screenshot({ path: join(RESULTS, "screens", `wall-${locale}-${name}.png`) });
      await p.close();
    }
    await page.getByTestId("displays").getByRole("button", { name: "吊销" }).first().click();
    await page.getByTestId("displays").locator(".badge-bad").first().waitFor();
    const p = await screen.newPage();
    await p.goto(`${address}&lang=zh-CN`);
    await p.getByTestId("wall-error").waitFor();
    expect(await p.getByTestId("wall-error").textContent()).toContain("吊销");
    await p.close();
    await screen.close();
    await shot(page, "displays-admin-zh-CN-desktop");
    await context.close();
  });
});
