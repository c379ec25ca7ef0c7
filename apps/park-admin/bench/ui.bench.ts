/**
 * `pnpm bench ui`: the city overview for 100 parks and 10,000 enterprises must render within 1 s
 * after its data arrives. A real brain (PGlite) serves the built park-admin and the real
 * `coverage.overview` (365 days of history); Chromium loads the page and the app's performance marks
 * measure data arrival → overview committed and painted. Baseline: the 2-park demo city, same run.
 * Then the machine page (bench/machine-page.ts): 30 days of 1 s readings, load → all panels drawn ≤ 1 s.
 * Last line of stdout: {"bench":"ui","overview_render_ms":…,"parks":…,"enterprises":…,"machine_page_ms":…,
 * "machine_page_server_ms":…,"machine_page_browser_ms":…} (server: time with a /trpc request in flight).
 */
import { createHash, randomBytes } from "node:crypto";
import { createDb, type DbHandle } from "@weft/db/client";
import { cities, coverageSnapshots, enterprises, parks, sessions, users } from "@weft/db/schema";
import { completeCreditCode, seedDemo, startBrain } from "@weft/industry-brain";
import { chromium } from "playwright-core";
import buildIfStale from "../test/build-once.ts";
import { CHROMIUM, CHROMIUM_ARGS, DIST } from "../test/e2e/harness.ts";
import { type MachinePageRun, measureMachinePage, seedMachineMonth } from "./machine-page.ts";

const PARKS = 100;
const ENTERPRISES = 10_000;
const RUNS = 5;
const ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const INDUSTRIES = ["C23", "C21", "C17", "C18", "C20", "C34"];

function stem(i: number): string {
  let s = "";
  let n = i;
  for (let k = 0; k < 9; k++) {
    s = ALPHA.charAt(n % 31) + s;
    n = Math.floor(n / 31);
  }
  return `91331004${s}`;
}

async function seedCity(db: DbHandle): Promise<number> {
  const [city] = await db.db
    .insert(cities)
    .values({ key: "bench-city", name: "基准市", nameEn: "Bench City" })
    .returning();
  if (!city) throw new Error("no city");
  const parkRows = await db.db
    .insert(parks)
    .values(
      Array.from({ length: PARKS }, (_, i) => ({
        key: `bench-park-${i}`,
        cityId: city.id,
        name: `基准园区 ${i + 1}`,
        nameEn: `Bench Park ${i + 1}`,
      })),
    )
    .returning({ id: parks.id });
  const rows = Array.from({ length: ENTERPRISES }, (_, i) => ({
    key: `bench-e-${i}`,
    parkId: parkRows[i % PARKS]?.id ?? 0,
    name: `基准企业 ${i + 1}`,
    creditCode: completeCreditCode(stem(i + 1)),
    industryCode: INDUSTRIES[i % INDUSTRIES.length] ?? "C23",
    aboveScale: i % 3 === 0,
    declaredMachines: (i % 7) + 1,
  }));
  for (let i = 0; i < rows.length; i += 2_000)
    await db.db.insert(enterprises).values(rows.slice(i, i + 2_000));
  const today = Date.now();
  const snaps: (typeof coverageSnapshots.$inferInsert)[] = [];
  for (let d = 365; d >= 1; d--) {
    const day = new Date(today - d * 86_400_000).toISOString().slice(0, 10);
    for (const [k, p] of parkRows.entries()) {
      const covered = Math.round(((365 - d) / 365) * 100 * ((k % 10) / 10 + 0.1));
      snaps.push({ day, scope: "park", scopeId: p.id, covered, total: 100, met: covered >= 80 });
    }
    snaps.push({
      day,
      scope: "city",
      scopeId: city.id,
      covered: 0,
      total: PARKS,
      met: false,
      details: { industriesOnboarded: d < 100 ? ["C23", "C21"] : ["C23"] },
    });
  }
  for (let i = 0; i < snaps.length; i += 5_000)
    await db.db.insert(coverageSnapshots).values(snaps.slice(i, i + 5_000));
  return city.id;
}

async function sessionFor(db: DbHandle, cityId: number | null, email: string): Promise<string> {
  const existing = (await db.db.select().from(users)).find((u) => u.email === email);
  const user =
    existing ??
    (
      await db.db
        .insert(users)
        .values({ email, name: "bench", passwordHash: "x", role: "city-admin", cityId })
        .returning()
    )[0];
  if (!user) throw new Error("no user");
  const token = randomBytes(32).toString("base64url");
  await db.db.insert(sessions).values({
    tokenHash: createHash("sha256").update(token).digest("hex"),
    userId: user.id,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  return token;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  await buildIfStale();
  const db = await createDb();
  await seedDemo(db);
  const t0 = Date.now();
  const cityId = await seedCity(db);
  const seedMs = Date.now() - t0;
  const brain = await startBrain({ db, port: 0, staticDir: DIST });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const measure = async (token: string) => {
    const out: { renderMs: number; fetchMs: number; parks: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([{ name: "weft_session", value: token, url: brain.url }]);
      const page = await context.newPage();
      const started = Date.now();
      await page.goto(brain.url);
      await page.waitForFunction(
        () => performance.getEntriesByName("weft:overview:rendered").length > 0,
        null,
        { timeout: 60_000 },
      );
      const r = await page.evaluate(() => {
        const data = performance.getEntriesByName("weft:overview:data")[0];
        const done = performance.getEntriesByName("weft:overview:rendered")[0];
        return {
          renderMs: (done?.startTime ?? 0) - (data?.startTime ?? 0),
          parks: document.querySelectorAll('[data-testid="overview-parks"] tbody tr').length,
        };
      });
      out.push({ ...r, fetchMs: Date.now() - started });
      await context.close();
    }
    return out;
  };
  const demoCity = (await db.db.select().from(cities)).find((c) => c.key !== "bench-city");
  const base = await measure(await sessionFor(db, demoCity?.id ?? null, "bench-demo@weft.bench"));
  const big = await measure(await sessionFor(db, cityId, "bench-city@weft.bench"));
  const t1 = Date.now();
  const raw = await seedMachineMonth(db, Date.now());
  const machineSeedMs = Date.now() - t1;
  const demoToken = await sessionFor(db, demoCity?.id ?? null, "bench-demo@weft.bench");
  const machineRuns = await measureMachinePage(
    browser,
    brain.url,
    { name: "weft_session", value: demoToken },
    RUNS,
  );
  await browser.close();
  await brain.close();
  await db.close();
  if (big.some((r) => r.parks !== PARKS))
    throw new Error(`expected ${PARKS} park rows, got ${big.map((r) => r.parks).join(",")}`);
  const row = (name: string, rs: typeof big) =>
    `${name.padEnd(28)} ${median(rs.map((r) => r.renderMs))
      .toFixed(1)
      .padStart(10)} ${Math.max(...rs.map((r) => r.renderMs))
      .toFixed(1)
      .padStart(10)} ${median(rs.map((r) => r.fetchMs))
      .toFixed(0)
      .padStart(12)}`;
  console.log(
    `seeded ${PARKS} parks, ${ENTERPRISES} enterprises, 365 days of snapshots in ${seedMs} ms; ${RUNS} page loads each`,
  );
  console.log(
    `${"scenario".padEnd(28)} ${"render p50".padStart(10)} ${"render max".padStart(10)} ${"load→done ms".padStart(12)}`,
  );
  console.log(row("baseline: demo city (2/5)", base));
  console.log(row(`city: ${PARKS} parks / ${ENTERPRISES} ent.`, big));
  const ms = median(big.map((r) => r.renderMs));
  console.log(ms <= 1_000 ? "PASS: renders within 1 s of data arrival" : "FAIL: slower than 1 s");
  const machineMs = median(machineRuns.map((r) => r.totalMs));
  const serverMs = median(machineRuns.map((r) => r.serverMs));
  const browserMs = median(machineRuns.map((r) => r.browserMs));
  console.log(
    `machine page: press-01 with ${raw.toLocaleString("en")} raw 1 s readings + 30 days of history (seeded in ${machineSeedMs} ms), ${RUNS} loads`,
  );
  console.log(`${"machine page".padEnd(28)} ${"p50 ms".padStart(10)} ${"max ms".padStart(10)}`);
  for (const [name, pick] of [
    ["load → all panels drawn", (r: MachinePageRun) => r.totalMs],
    ["  server (/trpc in flight)", (r: MachinePageRun) => r.serverMs],
    ["  browser (the rest)", (r: MachinePageRun) => r.browserMs],
  ] as const)
    console.log(
      `${name.padEnd(28)} ${String(median(machineRuns.map(pick))).padStart(10)} ${String(Math.max(...machineRuns.map(pick))).padStart(10)}`,
    );
  console.log(
    machineMs <= 1_000
      ? "PASS: machine page within 1 s, server included"
      : "FAIL: machine page slower than 1 s",
  );
  console.log(
    JSON.stringify({
      bench: "ui",
      overview_render_ms: Math.round(ms * 10) / 10,
      parks: PARKS,
      enterprises: ENTERPRISES,
      machine_page_ms: machineMs,
      machine_page_server_ms: serverMs,
      machine_page_browser_ms: browserMs,
      machine_raw_readings: raw,
    }),
  );
}

await main();
