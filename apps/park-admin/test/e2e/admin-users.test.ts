import { appRouter } from "@weft/industry-brain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiQuery,
  chromiumMissing,
  type Harness,
  login,
  shot,
  signedIn,
  startHarness,
  userOf,
  VIEWPORTS,
} from "./harness.ts";

/** The brain procedures each test needs; a test says so (never silently) when one is missing. */
function lacking(procs: string[]): string | null {
  const missing = procs.filter((p) => !(p in appRouter._def.procedures));
  if (!missing.length) return null;
  console.warn(`[park-admin admin tests] skipping: the brain lacks ${missing.join(", ")}`);
  return `SKIPPED: the brain does not have ${missing.join(", ")} yet`;
}
const usersMissing = lacking(["users.list", "users.create", "users.setDisabled"]);
const editMissing = lacking(["parks.create", "parks.update", "enterprises.create", "enterprises.update"]);
const title = chromiumMissing
  ? `park-admin admin: users, parks, enterprises (SKIPPED: ${chromiumMissing})`
  : "park-admin admin: users, parks, enterprises";

/** GB 32100 check character for the first 17 characters of a credit code. */
function withCheckChar(first17: string): string {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let sum = 0;
  for (const [i, ch] of [...first17].entries()) sum += alphabet.indexOf(ch) * (weights[i] ?? 0);
  return first17 + (alphabet[(31 - (sum % 31)) % 31] ?? "0");
}

describe.skipIf(chromiumMissing !== null)(title, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it.skipIf(usersMissing !== null)(
    `a city admin creates a park manager for one park, who sees only that park and is signed out once disabled${usersMissing ? ` (${usersMissing})` : ""}`,
    async () => {
      const admin = await signedIn(h, "city-admin", { locale: "en" });
      const { page } = admin;
      await page.goto(`${h.url}/admin/users`);
      const table = page.getByTestId("users-table");
      await table.waitFor();
      expect(await page.getByRole("link", { name: "Users" }).getAttribute("aria-current")).toBe("page");
      expect(await table.locator("tbody tr").count()).toBeGreaterThanOrEqual(h.demo.users.length);

      const form = page.getByRole("form", { name: "New user" });
      // Client-side validation: nothing is sent, every problem sits next to its field.
      await form.getByRole("button", { name: "Create" }).click();
      await expect.poll(() => form.locator("[data-field-error]").count()).toBeGreaterThanOrEqual(4);
      expect(await form.getByLabel("E-mail").getAttribute("aria-invalid")).toBe("true");
      expect(await form.getByText("A park manager needs at least one park").count()).toBe(1);

      const parkKey = h.demo.parkKeys[0] ?? "";
      const parks = await apiQuery<{ items: { key: string; nameEn: string | null; name: string }[] }>(
        page,
        "parks.list",
        { limit: 50 },
      );
      const park = parks.data.items.find((p) => p.key === parkKey);
      if (!park) throw new Error(`no park ${parkKey}`);
      // Server-side validation: a taken e-mail comes back as a field error on the e-mail field.
      await form.getByLabel("E-mail").fill(userOf(h.demo, "city-admin").email);
      await form.getByLabel("Name").fill("Manager Two");
      await form.getByLabel("Role").selectOption("park-manager");
      await form.getByLabel("Initial password").fill("manager-two-pass");
      await form.getByRole("checkbox", { name: park.nameEn ?? park.name }).check();
      await form.getByRole("button", { name: "Create" }).click();
      const emailError = form.locator("[data-field-error]");
      await expect.poll(() => emailError.count()).toBe(1);
      // In the user's language, by the error's code, not the server's English sentence.
      expect(await emailError.textContent()).toBe("Already in use; choose another.");
      expect(await form.getByLabel("E-mail").getAttribute("aria-invalid")).toBe("true");

      const email = "manager.two@weft.demo";
      await form.getByLabel("E-mail").fill(email);
      await form.getByRole("button", { name: "Create" }).click();
      await page.getByTestId("users-notice").filter({ hasText: email }).waitFor();
      const row = table.locator(`tr[data-email="${email}"]`);
      await row.waitFor();
      expect(await row.textContent()).toContain("Park manager");
      expect(await row.textContent()).toContain(park.nameEn ?? park.name);
      expect(await row.getByTestId("user-status").textContent()).toBe("Active");
      await shot(page, "admin-users-desktop");

      // The new manager signs in through the form and sees exactly that park.
      const mgrContext = await h.browser.newContext({ viewport: VIEWPORTS.desktop });
      const mgr = await mgrContext.newPage();
      await login(mgr, h.url, { email, password: "manager-two-pass" });
      const mine = await apiQuery<{ items: { key: string }[] }>(mgr, "parks.list", { limit: 50 });
      expect(mine.data.items.map((p) => p.key)).toEqual([parkKey]);
      await mgr.goto(`${h.url}/parks`);
      await mgr.getByTestId("parks-table").waitFor();
      expect(await mgr.getByTestId("parks-table").locator("tbody tr").count()).toBe(1);
      expect((await apiQuery(mgr, "users.list", {})).status).toBe(403);

      // Disable, with a confirm step driven from the keyboard.
      await row.getByRole("button", { name: `Disable ${email}` }).click();
      const dialog = page.getByTestId("confirm-disable");
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain(email);
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "detached" });
      expect(await row.getByTestId("user-status").textContent()).toBe("Active");
      await row.getByRole("button", { name: `Disable ${email}` }).click();
      await dialog.waitFor();
      await page.keyboard.press("Enter"); // the confirm button has focus
      await expect.poll(() => row.getByTestId("user-status").textContent()).toBe("Disabled");

      // Their very next request is signed out: the API says 401 and the app drops to the sign-in page.
      const after = await apiQuery(mgr, "parks.list", { limit: 50 });
      expect(after.status).toBe(401);
      await mgr.getByRole("link", { name: "管理" }).click();
      await mgr.waitForURL((u) => u.pathname === "/login");
      await mgrContext.close();

      const mobile = await signedIn(h, "city-admin", { locale: "en", viewport: VIEWPORTS.mobile });
      await mobile.page.goto(`${h.url}/admin/users`);
      await mobile.page.getByTestId("users-table").waitFor();
      await shot(mobile.page, "admin-users-mobile");
      await mobile.context.close();
      await admin.context.close();
    },
  );

  it.skipIf(editMissing !== null)(
    `creates and edits parks and enterprises, showing the server's errors on the right field${editMissing ? ` (${editMissing})` : ""}`,
    async () => {
      const { context, page } = await signedIn(h, "city-admin", { locale: "en" });
      await page.goto(`${h.url}/admin/parks`);
      const parkForm = page.getByRole("form", { name: "New park" });
      await parkForm.waitFor();
      await parkForm.getByLabel("Park key").fill("Bad Key");
      await parkForm.getByRole("button", { name: "Create" }).click();
      expect(await parkForm.getByLabel("Park key").getAttribute("aria-invalid")).toBe("true");
      await parkForm.getByLabel("Park key").fill(h.demo.parkKeys[0] ?? "");
      await parkForm.getByLabel("Park name").fill("重复园区");
      await parkForm.getByRole("button", { name: "Create" }).click();
      await expect.poll(() => parkForm.locator("[data-field-error]").count()).toBe(1);
      await parkForm.getByLabel("Park key").fill("wenling-new-park");
      await parkForm.getByLabel("Park name").fill("温岭新园区");
      await parkForm.getByLabel("English name (optional)").fill("Wenling New Park");
      await parkForm.getByRole("button", { name: "Create" }).click();
      const parkRow = page.locator('[data-testid="parks-admin-table"] tr[data-key="wenling-new-park"]');
      await parkRow.waitFor();
      await parkRow.getByRole("button", { name: "Edit Wenling New Park" }).click();
      const parkEdit = page.getByTestId("park-edit");
      await parkEdit.getByLabel("English name (optional)").fill("Wenling Park Two");
      await parkEdit.getByRole("button", { name: "Save" }).click();
      await parkEdit.waitFor({ state: "detached" });
      await expect.poll(() => parkRow.locator("th").textContent()).toBe("Wenling Park Two");
      await shot(page, "admin-parks-forms-desktop");

      await page.goto(`${h.url}/admin/enterprises`);
      const entForm = page.getByRole("form", { name: "New enterprise" });
      await entForm.waitFor();
      const code17 = "91331004MA2K9X7Q0";
      const good = withCheckChar(code17);
      const badCheck = code17 + (good.endsWith("1") ? "2" : "1");
      await entForm.getByLabel("Enterprise key").fill("wenling-pump-co");
      await entForm.getByLabel("Park", { exact: true }).selectOption("wenling-new-park");
      await entForm.getByLabel("Enterprise name").fill("温岭水泵有限公司");
      await entForm.getByLabel("Industry code (GB/T 4754)").fill("C3441");
      await entForm.getByLabel("Declared machines").fill("4");
      await entForm.getByLabel("Unified social credit code").fill("SHORT");
      await entForm.getByRole("button", { name: "Create" }).click();
      expect(await entForm.getByText("A credit code has 18 digits or capital letters").count()).toBe(1);
      // Right shape, wrong check character: only the server knows, and says so on the field.
      await entForm.getByLabel("Unified social credit code").fill(badCheck);
      await entForm.getByRole("button", { name: "Create" }).click();
      const creditError = entForm.locator("[data-field-error]");
      await expect.poll(() => creditError.count()).toBe(1);
      expect(await entForm.getByLabel("Unified social credit code").getAttribute("aria-invalid")).toBe(
        "true",
      );
      await entForm.getByLabel("Unified social credit code").fill(good);
      await entForm.getByRole("button", { name: "Create" }).click();
      const entRow = page.locator('[data-testid="enterprises"] tr[data-key="wenling-pump-co"]');
      await entRow.waitFor();
      expect(await entRow.textContent()).toContain(good);
      await entRow.getByRole("button", { name: /^Edit / }).click();
      const entEdit = page.getByTestId("enterprise-edit");
      await entEdit.getByLabel("Declared machines").fill("7");
      await entEdit.getByRole("button", { name: "Save" }).click();
      await entEdit.waitFor({ state: "detached" });
      await expect.poll(() => entRow.locator("td.num").textContent()).toBe("0 / 7");
      await shot(page, "admin-enterprises-forms-desktop");
      await context.close();

      const mobile = await signedIn(h, "city-admin", { locale: "en", viewport: VIEWPORTS.mobile });
      for (const tab of ["parks", "enterprises"]) {
        await mobile.page.goto(`${h.url}/admin/${tab}`);
        await mobile.page.locator("main form").first().waitFor();
        await shot(mobile.page, `admin-${tab}-forms-mobile`);
      }
      await mobile.context.close();
    },
  );
});
