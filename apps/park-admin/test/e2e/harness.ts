import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DbHandle } from "@weft/db/client";
import { createDb } from "@weft/db/client";
import { sessions, users } from "@weft/db/schema";
import {
  DEFAULT_SETTINGS,
  type DemoSeed,
  type RunningBrain,
  seedDemo,
  startBrain,
} from "@weft/industry-brain";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const APP_ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DIST = join(APP_ROOT, "dist");
export const RESULTS = join(APP_ROOT, "test-results");
export const CHROMIUM = process.env.WEFT_CHROMIUM ?? "/usr/bin/chromium";

/** Why browser tests cannot run here, or null. Printed, never silent. */
export const chromiumMissing: string | null = existsSync(CHROMIUM)
  ? null
  : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set WEFT_CHROMIUM`;
if (chromiumMissing) console.warn(`[park-admin browser tests skipped] ${chromiumMissing}`);

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  mobile: { width: 390, height: 844 },
} as const;

export interface Harness {
  db: DbHandle;
  demo: DemoSeed;
  brain: RunningBrain;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

async function within(ms: number, what: string, p: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`[park-admin tests] ${what} did not finish within ${ms} ms; moving on`);
      resolve();
    }, ms);
  });
  await Promise.race([p.then(() => undefined), timeout]);
  clearTimeout(timer);
}

/** One brain (in-memory PGlite, demo seed, serving the built dist/) and one Chromium per test file. */
/**
 * `background: false` starts the brain without its timers (alert rounds, coverage snapshots,
 * retention), for a test that runs those rounds itself and counts what they did.
 */
export async function startHarness(opts: { background?: boolean } = {}): Promise<Harness> {
  mkdirSync(RESULTS, { recursive: true });
  const db = await createDb();
  const demo = await seedDemo(db);
  const brain = await startBrain({ db, port: 0, staticDir: DIST, background: opts.background ?? true });
  // Playwright gives each launch a fresh temporary profile (user-data-dir).
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    db,
    demo,
    brain,
    browser,
    url: brain.url,
    close: async () => {
      await browser.close();
      // A wedged database (e.g. a deadlocked transaction) must not stall the suite for the hook timeout.
      await within(10_000, "brain.close", brain.close());
      await within(10_000, "db.close", db.close());
    },
  };
}

export function userOf(demo: DemoSeed, role: string): { email: string; password: string } {
  const u = demo.users.find((x) => x.role === role);
  if (!u) throw new Error(`demo has no ${role}`);
  return u;
}

/** A fresh context (cookies, storage) signed in as a role, with the locale preset. */
export async function signedIn(
  h: Harness,
  role: string,
  opts: { locale?: "zh-CN" | "en"; viewport?: { width: number; height: number }; timezoneId?: string } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await h.browser.newContext({
    viewport: opts.viewport ?? VIEWPORTS.desktop,
    acceptDownloads: true,
    ...(opts.timezoneId ? { timezoneId: opts.timezoneId } : {}),
  });
  if (opts.locale) {
    await context.addInitScript((l) => {
      if (!sessionStorage.getItem("weft.test.locale-set")) {
        localStorage.setItem("weft.locale", l);
        sessionStorage.setItem("weft.test.locale-set", "1");
      }
    }, opts.locale);
  }
  await context.addCookies([
    { name: DEFAULT_SETTINGS.sessionCookie, value: await newSession(h, role), url: h.url },
  ]);
  const page = await context.newPage();
  await page.goto(h.url);
  await page.waitForURL((x) => !x.pathname.startsWith("/login"));
  return { context, page };
}

/**
 * A session row exactly as `auth.login` stores it (hash of a random token), so most tests skip the
 * deliberately slow password hash; the login form itself has its own test.
 */
export async function newSession(h: Harness, role: string): Promise<string> {
  const u = userOf(h.demo, role);
  const all = await h.db.db.select({ id: users.id, email: users.email }).from(users);
  const row = all.find((x) => x.email.toLowerCase() === u.email.toLowerCase());
  if (!row) throw new Error(`no user ${u.email}`);
  const token = randomBytes(32).toString("base64url");
  await h.db.db.insert(sessions).values({
    tokenHash: createHash("sha256").update(token).digest("hex"),
    userId: row.id,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  return token;
}

export async function login(page: Page, url: string, u: { email: string; password: string }): Promise<void> {
  await page.goto(`${url}/login`);
  await page.locator('input[name="email"]').fill(u.email);
  await page.locator('input[name="password"]').fill(u.password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((x) => !x.pathname.startsWith("/login"));
}

/** Call a tRPC query from inside the page (same cookie as the UI). */
export async function apiQuery<T>(
  page: Page,
  path: string,
  input: unknown,
): Promise<{ status: number; data: T }> {
  return page.evaluate(
    async ([p, i]) => {
      const r = await fetch(`/trpc/${p}?input=${encodeURIComponent(JSON.stringify(i))}`, {
        credentials: "include",
      });
      const body = await r.json();
      return { status: r.status, data: body.result?.data ?? body.error };
    },
    [path, input] as const,
  ) as Promise<{ status: number; data: T }>;
}

export async function apiMutation<T>(
  page: Page,
  path: string,
  input: unknown,
): Promise<{ status: number; data: T }> {
  return page.evaluate(
    async ([p, i]) => {
      const r = await fetch(`/trpc/${p}`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(i),
      });
      const body = await r.json();
      return { status: r.status, data: body.result?.data ?? body.error };
    },
    [path, input] as const,
  ) as Promise<{ status: number; data: T }>;
}

let seq = 1;
/** Push machine readings through the real ingest endpoint with a demo gateway's API key. */
export async function pushReadings(
  h: Harness,
  enterpriseKey: string,
  state: "running" | "idle" | "down",
  at = Date.now(),
): Promise<void> {
  const gw = h.demo.gateways.find((g) => g.enterpriseKey === enterpriseKey);
  if (!gw) throw new Error(`no demo gateway for ${enterpriseKey}`);
  const readings = gw.machineKeys.flatMap((machine, i) => [
    { machine, point: "state", signal: "state", ts: at - 1_000, value: state, quality: "good" },
    {
      machine,
      point: "good",
      signal: "goodCount",
      ts: at - 1_000,
      value: 1_000 + seq * 10 + i,
      quality: "good",
    },
    { machine, point: "kwh", signal: "energyKwh", ts: at - 1_000, value: 50 + seq, quality: "good" },
  ]);
  const r = await fetch(`${h.url}/trpc/ingest.push`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${gw.apiKey}` },
    body: JSON.stringify({ gatewayId: gw.gatewayId, seq: seq++, readings }),
  });
  if (!r.ok) throw new Error(`ingest.push ${r.status}: ${await r.text()}`);
}

/** Save a full-page screenshot under test-results/screens/. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(join(RESULTS, "screens"), { recursive: true });
  await page.screenshot({ path: join(RESULTS, "screens", `${name}.png`), fullPage: true });
}
