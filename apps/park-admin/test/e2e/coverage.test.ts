import { readFileSync } from "node:fs";
import { completeCreditCode } from "@weft/industry-brain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiMutation,
  apiQuery,
  chromiumMissing,
  type Harness,
  pushReadings,
  shot,
  signedIn,
  startHarness,
  VIEWPORTS,
} from "./harness.ts";

const title = chromiumMissing
  ? `coverage pages in Chromium (SKIPPED: ${chromiumMissing})`
  : "coverage pages in Chromium";

interface Overview {
  totals: {
    parkRatio: number | null;
    enterpriseRatio: number | null;
    industries: number;
    enterprises: number;
    enterprisesCovered: number;
  };
}

interface ParkTable {
  total: number;
  rows: { id: number; enterprises: number; coveredEnterprises: number }[];
}

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const first = h.demo.gateways[0]?.enterpriseKey ?? "";
    await pushReadings(h, first, "running");
    await pushReadings(h, first, "running");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("shows the city overview with the same numbers as the API", async () => {
    const { context, page } = await signedIn(h, "city-admin");
    await page.getByTestId("overview-parks").waitFor();
    const api = (await apiQuery<Overview>(page, "coverage.overview", { days: 365 })).data;
    const value = async (id: string) =>
      page.getByTestId(id).locator(".stat-value").getAttribute("data-value");
    expect(Number(await value("stat-park-coverage"))).toBeCloseTo(api.totals.parkRatio ?? Number.NaN, 9);
    expect(Number(await value("stat-enterprise-coverage"))).toBeCloseTo(
      api.totals.enterpriseRatio ?? Number.NaN,
      9,
    );
    expect(Number(await value("stat-industries"))).toBe(api.totals.industries);
    expect(api.totals.enterprisesCovered).toBe(1);
    const sub = await page.getByTestId("stat-enterprise-coverage").locator(".stat-sub").textContent();
    expect(sub).toContain(`${api.totals.enterprisesCovered} / ${api.totals.enterprises}`);
    const table = (await apiQuery<ParkTable>(page, "coverage.parkTable", { pageSize: 200 })).data;
    const rows = page.locator('[data-testid="overview-parks"] tbody tr');
    expect(await rows.count()).toBe(table.total);
    expect(table.total).toBe(h.demo.parkKeys.length);
    for (const p of table.rows) {
      const text = await page.locator(`[data-park-id="${p.id}"]`).textContent();
      expect(text).toContain(`${p.coveredEnterprises} / ${p.enterprises}`);
    }
    await context.close();
  });

  it("declaring a required item in the park page changes coverage", async () => {
    const { context, page } = await signedIn(h, "city-admin");
    const rules = (
      await apiQuery<{ items: { item: string; required: boolean; weight: number }[] }>(
        page,
        "coverage.ruleSet.get",
        {},
      )
    ).data;
    const strict = rules.items.map((r) => ({
      item: r.item,
      weight: r.weight,
      required: r.item === "identity" || r.item === "cloud",
    }));
    expect((await apiMutation(page, "coverage.ruleSet.update", { items: strict })).status).toBe(200);
    const before = (await apiQuery<Overview>(page, "coverage.overview", { days: 30 })).data;
    expect(before.totals.enterprisesCovered).toBe(0);
    const parks = (await apiQuery<ParkTable>(page, "coverage.parkTable", { pageSize: 200 })).data.rows;
    const park = [...parks].sort((a, b) => a.id - b.id)[0];
    await page.goto(`${h.url}/parks/${park?.id}`);
    const row = page.locator("[data-enterprise-id]").first();
    await row.waitFor();
    expect(await row.getAttribute("data-covered")).toBe("false");
    await row.locator('[data-item="cloud"] button').click();
    const dialog = page.getByTestId("declare-dialog");
    await dialog.getByLabel(/基础云/).check();
    await dialog.getByLabel(/证明材料/).fill("https://example.org/cloud-contract.pdf");
    await dialog.getByRole("button", { name: "保存" }).click();
    await expect.poll(() => row.getAttribute("data-covered"), { timeout: 10_000 }).toBe("true");
    const cell = row.locator('[data-item="cloud"]');
    expect(await cell.getAttribute("data-source")).toBe("declared");
    expect(await cell.textContent()).toMatch(/申报/);
    const after = (await apiQuery<Overview>(page, "coverage.overview", { days: 30 })).data;
    expect(after.totals.enterprisesCovered).toBe(1);
    await apiMutation(page, "coverage.ruleSet.update", {
      items: rules.items.map((r) => ({ item: r.item, weight: r.weight, required: r.required })),
    });
    await context.close();
  });

  it("imports a CSV with a bad row: a per-row report first, then only the accepted valid rows", async () => {
    const { context, page } = await signedIn(h, "city-admin");
    await page.goto(`${h.url}/admin/import`);
    const before = (await apiQuery<Overview>(page, "coverage.overview", { days: 1 })).data.totals.enterprises;
    const good = completeCreditCode("91331004MA2AAAAA1");
    const badCheck = `${good.slice(0, 17)}${good.endsWith("0") ? "1" : "0"}`;
    const csv = [
      "企业名称,统一社会信用代码,行业代码,规上,申报设备数",
      `台州新印包装有限公司,${good},C23,是,4`,
      `校验位错误企业,${badCheck},C23,否,2`,
      `未知行业企业,${completeCreditCode("91331004MA2BBBBB2")},Z99,否,2`,
      `重复企业,${good},C23,否,2`,
    ].join("\n");
    await page
      .getByTestId("import-file")
      .setInputFiles({ name: "enterprises.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByTestId("import-validate").click();
    const report = page.getByTestId("import-report");
    await report.waitFor();
    const lines = report.locator("tbody tr");
    expect(await lines.count()).toBe(4);
    const okFlags = await lines.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-ok")));
    const text = await report.textContent();
    expect(text).toContain("校验位错误");
    expect(text).toContain("未知的 GB/T 4754 行业代码");
    expect(text).toContain("文件内重复");
    expect(okFlags).toEqual(["true", "false", "false", "false"]);
    expect((await apiQuery<Overview>(page, "coverage.overview", { days: 1 })).data.totals.enterprises).toBe(
      before,
    );
    const valid = 1;
    await page.getByTestId("import-commit").click();
    await page.getByTestId("import-done").waitFor();
    await shot(page, "admin-import-desktop");
    expect((await apiQuery<Overview>(page, "coverage.overview", { days: 1 })).data.totals.enterprises).toBe(
      before + valid,
    );

    const big = Buffer.alloc(6 * 1024 * 1024, 0x41);
    await page
      .getByTestId("import-file")
      .setInputFiles({ name: "huge.csv", mimeType: "text/csv", buffer: big });
    await page.getByTestId("import-file-error").waitFor();
    expect(await page.getByTestId("import-file-error").textContent()).toMatch(/文件过大/);
    await context.close();
  });

  it("exports the coverage table as CSV and XLSX", async () => {
    const { context, page } = await signedIn(h, "city-admin");
    await page.getByTestId("overview-parks").waitFor();
    const api = (await apiQuery<Overview>(page, "coverage.overview", { days: 1 })).data;
    const [csv] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
    expect(csv.suggestedFilename()).toMatch(/^coverage-.*\.csv$/);
    const text = readFileSync((await csv.path()) ?? "", "utf8");
    const lines = text.trim().split(/\r\n/);
    expect(lines[0]).toContain("统一社会信用代码");
    expect(lines.length - 1).toBe(api.totals.enterprises);
    expect(text).toContain("实测");
    const [xlsx] = await Promise.all([
      page.waitForEvent("download"),
      page.getByTestId("export-xlsx").click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
    const bytes = readFileSync((await xlsx.path()) ?? "");
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
    await context.close();
  });

  it("saves a screenshot of every page at 1440×900 and 390×844 in both languages", async () => {
    const ent = h.demo.gateways[0]?.enterpriseKey ?? "";
    const { context: c0, page: p0 } = await signedIn(h, "city-admin");
    const ents = await apiQuery<{ items: { id: number; key: string; parkId: number }[] }>(
      p0,
      "enterprises.list",
      { limit: 50 },
    );
    const e = ents.data.items.find((x) => x.key === ent);
    await c0.close();
    const pages: [string, string, string][] = [
      ["overview", "/", '[data-testid="overview-parks"]'],
      ["parks", "/parks", '[data-testid="parks-table"]'],
      ["park", `/parks/${e?.parkId}`, '[data-testid="enterprise-checklist"]'],
      ["enterprise", `/enterprises/${e?.id}`, '[data-testid="machines"]'],
      ["industries", "/industries", '[data-testid="industries"], .muted'],
      ["admin-rules", "/admin/rules", '[data-testid="rule-set"]'],
      ["admin-gateways", "/admin/gateways", '[data-testid="gateways"]'],
      ["admin-enterprises", "/admin/enterprises", '[data-testid="enterprises"]'],
    ];
    const runs = [
      ["desktop", "zh-CN"],
      ["mobile", "zh-CN"],
      ["desktop", "en"],
      ["mobile", "en"],
    ] as const;
    for (const [size, locale] of runs) {
      {
        const viewport = VIEWPORTS[size];
        const { context, page } = await signedIn(h, "city-admin", { viewport, locale });
        for (const [name, path, ready] of pages) {
          await page.goto(`${h.url}${path}`);
          await page.locator(ready).first().waitFor();
          await page.waitForTimeout(150);
          await shot(page, `${name}-${size}-${locale}`);
        }
        await context.close();
      }
    }
  });
});
