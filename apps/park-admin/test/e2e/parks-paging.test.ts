import { cities, enterprises, parks } from "@weft/db/schema";
import { completeCreditCode } from "@weft/industry-brain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiQuery, chromiumMissing, type Harness, signedIn, startHarness } from "./harness.ts";

const title = chromiumMissing
  ? `the parks table pages on the server (SKIPPED: ${chromiumMissing})`
  : "the parks table pages on the server";
const EXTRA = 58;

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  let bigPark = 0;
  beforeAll(async () => {
    h = await startHarness({ background: false });
    const [city] = (await h.db.db.select().from(cities)).filter((c) => c.key === h.demo.cityKey);
    // 58 more parks in the demo city (60 in all): three pages of 25, 25 and 10.
    const [first] = await h.db.db
      .insert(parks)
      .values(
        Array.from({ length: EXTRA }, (_, i) => ({
          key: `paging-${i + 1}`,
          cityId: city?.id ?? 0,
          name: `翻页园区 ${String(i + 1).padStart(2, "0")}`,
          nameEn: `Paging Park ${String(i + 1).padStart(2, "0")}`,
        })),
      )
      .returning({ id: parks.id });
    bigPark = first?.id ?? 0;
    // …the first of them with 120 enterprises: its checklist table draws 50 rows a page.
    await h.db.db.insert(enterprises).values(
      Array.from({ length: 120 }, (_, i) => ({
        key: `paging-e-${i}`,
        parkId: bigPark,
        name: `翻页企业 ${i + 1}`,
        nameEn: `Paging Enterprise ${i + 1}`,
        creditCode: completeCreditCode(`91331099MA${String(1_000_000 + i).slice(-7)}`),
        industryCode: "C23",
        declaredMachines: 1,
      })),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  it("pages, sorts and searches the parks page, 25 rows at a time, in both languages", async () => {
    const { context, page } = await signedIn(h, "city-admin", { locale: "en" });
    const total = h.demo.parkKeys.length + EXTRA;
    await page.goto(`${h.url}/parks`);
    const table = page.getByTestId("parks-table");
    const rows = table.locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(25);
    expect(await page.getByTestId("parks-table-range").textContent()).toBe(`1–25 of ${total} parks`);
    expect(await page.getByTestId("parks-table-page").textContent()).toBe("Page 1 of 3");
    expect(await page.getByTestId("parks-table-prev").isDisabled()).toBe(true);
    // The table is aria-busy while a page is on its way (the previous page stays until then).
    const settled = () =>
      page.waitForFunction(
        () => document.querySelector('[data-testid="parks-table"]')?.getAttribute("aria-busy") === "false",
      );
    const firstPage = await table.locator("tbody tr").evaluateAll((trs) => trs.map((r) => r.dataset.parkId));

    await page.getByTestId("parks-table-next").click();
    await page.getByTestId("parks-table-page").filter({ hasText: "Page 2 of 3" }).waitFor();
    await settled();
    const secondPage = await rows.evaluateAll((trs) => trs.map((r) => r.dataset.parkId));
    expect(secondPage.length).toBe(25);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);

    await page.getByTestId("parks-table-next").click();
    await page
      .getByTestId("parks-table-range")
      .filter({ hasText: `51–${total} of ${total} parks` })
      .waitFor();
    expect(await rows.count()).toBe(total - 50);
    expect(await page.getByTestId("parks-table-next").isDisabled()).toBe(true);

    // Sorting by name goes back to page 1, in English name order, then reversed.
    await table.locator('button[data-sort="name"]').click();
    await page.getByTestId("parks-table-page").filter({ hasText: "Page 1 of 3" }).waitFor();
    await settled();
    const api = await apiQuery<{ rows: { nameEn: string | null; name: string }[] }>(
      page,
      "coverage.parkTable",
      {
        pageSize: 25,
        sort: "name",
        dir: "asc",
        locale: "en",
      },
    );
    const names = await table.locator("tbody th").allTextContents();
    expect(names).toEqual(api.data.rows.map((p) => p.nameEn ?? p.name));
    expect(await table.locator('th[aria-sort="ascending"]').count()).toBe(1);
    await table.locator('button[data-sort="name"]').click();
    await table.locator('th[aria-sort="descending"]').waitFor();
    await settled();
    const desc = await apiQuery<{ rows: { nameEn: string | null; name: string }[] }>(
      page,
      "coverage.parkTable",
      {
        pageSize: 25,
        sort: "name",
        dir: "desc",
        locale: "en",
      },
    );
    expect(await table.locator("tbody th").allTextContents()).toEqual(
      desc.data.rows.map((p) => p.nameEn ?? p.name),
    );
    expect(desc.data.rows.map((p) => p.nameEn)).toContain("Paging Park 58");

    // The search runs on the server, case-insensitively: "paging park 1" finds Paging Park 10 … 19.
    await page.getByTestId("parks-table-search").fill("paging park 1");
    await page.getByTestId("parks-table-range").filter({ hasText: "1–10 of 10 parks" }).waitFor();
    expect(await rows.count()).toBe(10);
    expect(await page.getByTestId("parks-table-page").textContent()).toBe("Page 1 of 1");
    await page.getByTestId("parks-table-search").fill("no such park");
    await page.getByText("No park matches the search").waitFor();
    expect(await rows.count()).toBe(0);
    await context.close();

    const zh = await signedIn(h, "city-admin");
    await zh.page.goto(`${h.url}/parks`);
    await zh.page.getByTestId("parks-table").locator("tbody tr").first().waitFor();
    expect(await zh.page.getByTestId("parks-table-page").textContent()).toBe("第 1 / 3 页");
    await zh.context.close();
  });

  it("draws a park's enterprise checklist 50 rows at a time", async () => {
    const { context, page } = await signedIn(h, "city-admin", { locale: "en" });
    await page.goto(`${h.url}/parks/${bigPark}`);
    const rows = page.getByTestId("enterprise-checklist").locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.count()).toBe(50);
    expect(await page.getByTestId("enterprise-range").textContent()).toBe("1–50 of 120 enterprises");
    await page.getByTestId("enterprise-next").click();
    await page.getByTestId("enterprise-range").filter({ hasText: "51–100 of 120" }).waitFor();
    await page.getByTestId("enterprise-next").click();
    await page.getByTestId("enterprise-range").filter({ hasText: "101–120 of 120" }).waitFor();
    expect(await rows.count()).toBe(20);
    expect(await page.getByTestId("enterprise-next").isDisabled()).toBe(true);
    await context.close();
  });

  it("shows the overview's table a page at a time, least covered first", async () => {
    const { context, page } = await signedIn(h, "city-admin", { locale: "en" });
    const rows = page.locator('[data-testid="overview-parks"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(25);
    await page.getByTestId("overview-parks-next").click();
    await page.getByTestId("overview-parks-page").filter({ hasText: "Page 2 of 3" }).waitFor();
    expect(await page.getByTestId("overview-attention").locator("li").count()).toBeLessThanOrEqual(10);
    await context.close();
  });
});
