import { enterprises, machines, parks, userParks, users } from "@weft/db/schema";
import { backfillDemo, completeCreditCode, DEFAULT_SETTINGS } from "@weft/industry-brain";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  dataStrings,
  openInApp,
  settled,
  trackActivity,
  unaccounted,
  visibleTexts,
} from "./dictionary-walk.ts";
import {
  apiMutation,
  chromiumMissing,
  type Harness,
  newSession,
  startHarness,
  userOf,
  VIEWPORTS,
} from "./harness.ts";

const title = chromiumMissing
  ? `every page in both languages shows only dictionary strings and data (SKIPPED: ${chromiumMissing})`
  : "every page in both languages shows only dictionary strings and data";
type Locale = "zh-CN" | "en";
type Role = "city-admin" | "park-manager" | "enterprise-user" | null;

/**
 * A context in the pseudo-locale of `locale` (every dictionary string as ⟦…⟧), signed in as `role`.
 * Reduced motion: the pulsing live dot and spinner (CSS only; the text is the same) would otherwise
 * keep an idle tab drawing frames, and the wall ticker's fade-in starts its rows at opacity 0.
 */
async function pseudoContext(h: Harness, locale: Locale, role: Role): Promise<BrowserContext> {
  const context = await h.browser.newContext({ viewport: VIEWPORTS.desktop, reducedMotion: "reduce" });
  await context.addInitScript((l) => {
    localStorage.setItem("weft.locale", l);
    localStorage.setItem("weft.pseudo", "1");
  }, locale);
  await context.addInitScript(trackActivity);
  if (role)
    await context.addCookies([
      { name: DEFAULT_SETTINGS.sessionCookie, value: await newSession(h, role), url: h.url },
    ]);
  return context;
}

/**
 * Pages walked at once, each lane in its own tab: one renders while another waits for the brain.
 * More lanes than two only add tabs (a renderer each) on a 2-core runner.
 */
const LANES = 2;

const GOOD_CODE = completeCreditCode("91331004MA2AAAAA1");
const OTHER_CODE = completeCreditCode("91331004MA2BBBBB2");
const BAD_CHECK = `${GOOD_CODE.slice(0, 17)}${GOOD_CODE.endsWith("0") ? "1" : "0"}`;
const IMPORT_DATA = [
  "enterprises.csv",
  "台州新印包装有限公司",
  "校验位错误企业",
  "未知行业企业",
  "Z99",
  GOOD_CODE,
  OTHER_CODE,
  BAD_CHECK,
];

/** Validate a CSV with bad rows, so the per-row report (problems with the offending values) is on screen. */
async function previewBadImport(page: Page): Promise<void> {
  const csv = [
    "企业名称,统一社会信用代码,行业代码,规上,申报设备数",
    `台州新印包装有限公司,${GOOD_CODE},C23,是,4`,
    `校验位错误企业,${BAD_CHECK},Z99,否,2`,
    `未知行业企业,${OTHER_CODE},Z99,否,2`,
  ].join("\n");
  await page
    .getByTestId("import-file")
    .setInputFiles({ name: "enterprises.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByTestId("import-validate").click();
  await page.getByTestId("import-report").locator('tr[data-ok="false"]').first().waitFor();
}

/** Open what a page only shows on a click: the import report, an edit form, the declare dialog. */
async function interact(page: Page, path: string): Promise<void> {
  if (path === "/admin/import") await previewBadImport(page);
  if (path === "/admin/enterprises") {
    await page.locator('[data-testid="enterprises"] tbody tr button').first().click();
    await page.getByTestId("enterprise-edit").waitFor();
  }
  const declare = page.locator("[data-enterprise-id] [data-item] button").first();
  if (/^\/parks\/\d+$/.test(path) && (await declare.count()) > 0) {
    await declare.click();
    await page.getByTestId("declare-dialog").waitFor();
  }
}

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  let wall = "";
  let parkWall = "";
  beforeAll(async () => {
    h = await startHarness();
    // Two days of history for a press and a robot cell, so charts, jobs and KPIs have data to show.
    await backfillDemo(h.db, { machineKeys: ["press-01", "robot-cell-01"], days: 2 });
    const context = await pseudoContext(h, "en", "city-admin");
    const page = await context.newPage();
    await page.goto(h.url);
    const issued = await apiMutation<{ path: string }>(page, "display.tokens.issue", {
      city: h.demo.cityKey,
      name: "Control room",
    });
    const park = await apiMutation<{ path: string }>(page, "display.tokens.issue", {
      city: h.demo.cityKey,
      park: h.demo.parkKeys[0],
      name: "Park screen",
    });
    expect(issued.status, JSON.stringify(issued.data)).toBe(200);
    wall = issued.data.path;
    parkWall = park.data.path;
    await context.close();
  }, 180_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The pages each role walks: every route of the app, plus the "no access" and "not found" ones. */
  async function routes(): Promise<[Role, string][]> {
    const ps = await h.db.db.select({ id: parks.id, key: parks.key }).from(parks);
    const es = await h.db.db.select({ id: enterprises.id, key: enterprises.key }).from(enterprises);
    const ms = await h.db.db.select({ id: machines.id, kind: machines.kind }).from(machines);
    const oneOfEachKind = [...new Map(ms.map((m) => [m.kind, m.id])).values()];
    const own = (await userRow("enterprise-user"))?.enterpriseId;
    const other = es.find((e) => e.id !== own)?.id;
    const manager = await userRow("park-manager");
    const managed = (await h.db.db.select().from(userParks)).filter((u) => u.userId === manager?.id);
    const foreignPark = ps.find((p) => !managed.some((m) => m.parkId === p.id))?.id;
    const admin: [Role, string][] = [
      "/",
      "/parks",
      ...ps.map((p) => `/parks/${p.id}`),
      ...es.map((e) => `/enterprises/${e.id}`),
      ...oneOfEachKind.map((id) => `/machines/${id}`),
      "/industries",
      ...["rules", "import", "parks", "enterprises", "gateways", "users", "displays"].map(
        (t) => `/admin/${t}`,
      ),
      "/alerts",
      "/ledger",
      "/no-such-page",
    ].map((p) => ["city-admin", p]);
    return [
      ...admin,
      ["park-manager", "/"],
      ["park-manager", `/parks/${foreignPark}`],
      ["park-manager", "/admin/rules"],
      ["enterprise-user", `/enterprises/${own}`],
      ["enterprise-user", `/enterprises/${other}`],
      ["enterprise-user", "/industries"],
      ["enterprise-user", "/ledger"],
      ["enterprise-user", "/alerts"],
      [null, "/login"],
      [null, wall],
      [null, parkWall],
      [null, "/wall#token=wd_revoked-or-never-issued"],
      [null, "/wall"],
    ];
  }

  async function userRow(role: string) {
    const email = userOf(h.demo, role).email.toLowerCase();
    return (await h.db.db.select().from(users)).find((u) => u.email.toLowerCase() === email);
  }

  for (const locale of ["zh-CN", "en"] as const) {
    it(`${locale}: no visible string outside the ${locale} dictionary, except data`, async () => {
      // The import report shows the user's own file: its names and values are data too.
      const data = [...(await dataStrings(h.db, locale)), ...IMPORT_DATA].sort((a, b) => b.length - a.length);
      const found: string[] = [];
      const unmarked: string[] = [];
      let walked = 0;
      // One context per role (its session cookie, the pseudo-locale); each lane opens its own tab in
      // it. The pages do not depend on each other (the walk opens forms and dialogs, never saves).
      const contexts = new Map<Role, Promise<BrowserContext>>();
      const contextOf = (role: Role): Promise<BrowserContext> => {
        let c = contexts.get(role);
        if (!c) {
          c = pseudoContext(h, locale, role);
          contexts.set(role, c);
        }
        return c;
      };
      const queue = await routes();
      const total = queue.length;
      const lane = async () => {
        let page: Page | null = null;
        let signedInAs: Role | undefined;
        while (queue.length > 0) {
          // Stay with the role this lane's tab is signed in as while it has pages left.
          const at = Math.max(
            0,
            queue.findIndex(([r]) => r === signedInAs),
          );
          const [role, path] = queue.splice(at, 1)[0] as [Role, string];
          if (page === null || signedInAs !== role) {
            await page?.close();
            page = await (await contextOf(role)).newPage();
            signedInAs = role;
          }
          const url = `${h.url}${path}`;
          if (role !== null && page.url().startsWith(h.url)) {
            // The app is loaded and signed in: open the page by the app's own router, as its links do.
            await openInApp(page, path);
          } else {
            // Signed out (sign-in page, wall displays): load by address. A change of the fragment
            // alone (one wall token after another) does not load the page, so reload it.
            const sameDocument = page.url().split("#")[0] === url.split("#")[0];
            await page.goto(url);
            if (sameDocument) await page.reload();
          }
          await settled(page);
          await interact(page, path);
          const texts = await visibleTexts(page);
          // A page with no marked string at all did not render through the dictionary.
          if (!texts.some((t) => t.includes("⟦")))
            unmarked.push(`${path} as ${role} shows no dictionary string`);
          for (const text of texts) {
            const rest = unaccounted(text, locale, data);
            if (rest) found.push(`${role ?? "signed out"} ${path}: "${rest}" in "${text.slice(0, 120)}"`);
          }
          walked++;
        }
        await page?.close();
      };
      const lanes = await Promise.allSettled(Array.from({ length: LANES }, lane));
      for (const c of contexts.values()) await (await c).close();
      for (const l of lanes) if (l.status === "rejected") throw l.reason;
      expect(unmarked).toEqual([]);
      expect(total).toBeGreaterThan(25);
      expect(walked).toBe(total);
      expect([...new Set(found)].sort()).toEqual([]);
    });
  }
});
