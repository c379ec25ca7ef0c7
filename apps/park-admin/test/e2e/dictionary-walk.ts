/**
 * Helpers of the pseudo-locale walk (i18n-walk.test.ts): with `weft.pseudo` on, every dictionary
 * string renders as ⟦…⟧, so any visible text outside the markers must be data: a number or date
 * from Intl, or the name of something stored in the brain. Anything else is a hard-coded string.
 */
import { industryDivisions } from "@weft/core";
import type { DbHandle } from "@weft/db/client";
import {
  alertRules,
  alerts,
  cities,
  displayTokens,
  enterprises,
  gateways,
  jobOrders,
  jobs,
  lines,
  machines,
  parks,
  points,
  users,
} from "@weft/db/schema";
import type { Page } from "playwright-core";

type Locale = "zh-CN" | "en";

/**
 * Strings that are data, not UI text, for a locale: what the brain stores and the page shows as it
 * is. A bilingual name counts in its locale only (the Chinese name of a park with an English one is
 * an error on an English page).
 */
export async function dataStrings(db: DbHandle, locale: Locale): Promise<string[]> {
  const named = (rows: { name: string; nameEn: string | null }[]) =>
    rows.map((r) => (locale === "en" ? (r.nameEn ?? r.name) : r.name));
  const d = db.db;
  const out = [
    ...named(await d.select({ name: cities.name, nameEn: cities.nameEn }).from(cities)),
    ...named(await d.select({ name: parks.name, nameEn: parks.nameEn }).from(parks)),
    ...named(await d.select({ name: enterprises.name, nameEn: enterprises.nameEn }).from(enterprises)),
    ...(await d.select({ k: parks.key }).from(parks)).map((r) => r.k),
    ...(
      await d
        .select({ k: enterprises.key, c: enterprises.creditCode, i: enterprises.industryCode })
        .from(enterprises)
    ).flatMap((r) => [r.k, r.c, r.i]),
    ...industryStrings(locale),
    // Machines, lines and points have one name: the plant's own, shown as the plant wrote it.
    ...(await d.select({ n: machines.name, k: machines.key }).from(machines)).flatMap((r) => [r.n, r.k]),
    ...(await d.select({ n: lines.name, k: lines.key }).from(lines)).flatMap((r) => [r.n, r.k]),
    ...(await d.select({ k: points.key, u: points.unit }).from(points)).flatMap((r) => [r.k, r.u ?? ""]),
    ...(await d.select({ n: users.name, e: users.email }).from(users)).flatMap((r) => [r.n, r.e]),
    ...(await d.select({ i: gateways.id, n: gateways.name }).from(gateways)).flatMap((r) => [r.i, r.n]),
    ...(await d.select({ j: jobs.jobId }).from(jobs)).map((r) => r.j),
    ...(await d.select({ j: jobOrders.jobId, c: jobOrders.customer }).from(jobOrders)).flatMap((r) => [
      r.j,
      r.c,
    ]),
    ...(await d.select({ n: alertRules.name }).from(alertRules)).map((r) => r.n),
    ...named(await d.select({ name: alerts.subjectLabel, nameEn: alerts.subjectLabelEn }).from(alerts)),
    ...(await d.select({ n: displayTokens.name }).from(displayTokens)).map((r) => r.n),
  ];
  return [...new Set(out.filter((s) => s.trim().length > 0))].sort((a, b) => b.length - a.length);
}

/** What Intl writes around digits in dates, durations and big numbers, per locale (the tokens only). */
const INTL: Record<Locale, RegExp[]> = {
  "zh-CN": [
    /(?<=\d\s*)(年|月|日|时|秒钟|分钟|小时|天|周|个月|秒|分|万|亿)/g,
    /(上午|下午|凌晨|中午|晚上|早上)(?=\s*\d)/g,
    /周[一二三四五六日]|星期[一二三四五六日]/g,
  ],
  en: [
    /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b(?=\s+\d)/g,
    /(?<=\d\s*)(AM|PM)\b/g,
    /(?<=\d\s*)(seconds?|sec|minutes?|min|hours?|hrs?|days?|weeks?|months?|[KMB])\b/g,
  ],
};

/**
 * Visible strings that are neither dictionary nor data, each with why it is allowed. Keep it short:
 * every entry is a string the same in every language.
 */
export const ALLOWED: readonly { text: string; reason: string }[] = [
  { text: "W", reason: "the brand mark beside the title: Weft's logo letter (aria-hidden), not a word" },
  { text: "https://", reason: "the evidence link's placeholder: a URL scheme, the same in every language" },
];

/** What the brain stores and every locale shows as it is: GB/T 4754 codes and names (per locale). */
export function industryStrings(locale: Locale): string[] {
  return industryDivisions().flatMap((d) => [d.code, locale === "en" ? d.en : d.zh]);
}

function listJoints(locale: Locale): string[] {
  const parts = new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).formatToParts([
    "a",
    "b",
    "c",
  ]);
  const two = new Intl.ListFormat(locale, { style: "long", type: "conjunction" }).formatToParts(["a", "b"]);
  return [...parts, ...two].filter((p) => p.type === "literal").map((p) => p.value);
}

/** The part of a visible text that is neither dictionary (⟦…⟧) nor data; "" when all is accounted for. */
export function unaccounted(text: string, locale: Locale, data: readonly string[]): string {
  if (ALLOWED.some((a) => a.text === text)) return "";
  let s = text;
  // Intl.ListFormat's joints ("、", "和", ", and ") between dictionary strings are Intl's too.
  for (const joint of listJoints(locale)) s = s.split(`⟧${joint}⟦`).join("⟧ ⟦");
  let prev: string;
  do {
    prev = s;
    s = s.replace(/⟦[^⟦⟧]*⟧/g, " ");
  } while (s !== prev);
  for (const d of data) if (s.includes(d)) s = s.split(d).join(" ");
  for (const re of INTL[locale]) s = s.replace(re, " ");
  // Words outside the dictionary, or Chinese punctuation (（）；、) hard-coded into an English page.
  const foreign = locale === "en" ? /[\p{L}\u3000-\u303f\uff00-\uffef]/u : /\p{L}/u;
  return foreign.test(s) ? s.replace(/\s+/g, " ").trim() : "";
}

/**
 * Every string a person can see on the page now: visible text nodes, placeholders, the options of
 * visible selects, button values and the document title. Canvas text (ECharts) is not in the DOM;
 * its labels come from the same formatters.
 */
export async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el || el.closest("script,style,noscript")) continue;
      if (el.closest("option")) continue;
      if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      out.push(text);
    }
    for (const el of document.querySelectorAll<HTMLElement>("input,textarea,select")) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const ph = el.getAttribute("placeholder");
      if (ph) out.push(ph);
      if (el instanceof HTMLSelectElement) for (const o of el.options) out.push(o.text);
      if (el instanceof HTMLInputElement && ["button", "submit"].includes(el.type) && el.value)
        out.push(el.value);
    }
    return out;
  });
}

/**
 * Installed into every page of the walk before the app's scripts (`context.addInitScript`): counts
 * the app's requests in flight (a tRPC call counts until its body is read) and notes when the DOM or
 * a request last changed, so `settled` can tell in the page itself when the app has come to rest.
 * The live-state subscription is an EventSource, not a fetch: it never counts.
 */
export function trackActivity(): void {
  const state = { inflight: 0, last: performance.now() };
  (window as unknown as { __walk: typeof state }).__walk = state;
  const touch = () => {
    state.last = performance.now();
  };
  const fetch0 = window.fetch.bind(window);
  window.fetch = async (...args: Parameters<typeof fetch>) => {
    state.inflight++;
    touch();
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      state.inflight--;
      touch();
    };
    try {
      const res = await fetch0(...args);
      for (const m of ["json", "text", "arrayBuffer", "blob"] as const) {
        const read = res[m].bind(res) as () => Promise<unknown>;
        (res as unknown as Record<string, () => Promise<unknown>>)[m] = () => read().finally(end);
      }
      return res;
    } catch (e) {
      end();
      throw e;
    }
  };
  new MutationObserver(touch).observe(document, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
  });
}

/**
 * Open `path` in the loaded app the way its links do (History API, no reload): the bundle, the
 * session check and the shared queries are not loaded again for every page. It passes through a
 * path no page has first, so the page mounts afresh (no state, open dialog or form kept from the
 * page before, as a new load would have it).
 */
export async function openInApp(page: Page, path: string): Promise<void> {
  await page.evaluate(async (to) => {
    const go = (p: string) => {
      history.pushState(null, "", p);
      dispatchEvent(new PopStateEvent("popstate"));
    };
    go("/walk-between-pages");
    await new Promise((r) => setTimeout(r));
    go(to);
  }, path);
}

/**
 * Wait until the page has settled: loaded, no request of the app in flight, no loading spinner
 * shown, and neither the DOM nor the requests changed for `quietMs`. One wait inside the page (no
 * round trip per poll), instead of `networkidle`'s fixed 500 ms of silence plus a fixed sleep.
 */
export async function settled(page: Page, quietMs = 150): Promise<void> {
  await page.waitForFunction(
    (quiet) => {
      const w = (window as unknown as { __walk?: { inflight: number; last: number } }).__walk;
      return (
        w !== undefined &&
        document.readyState === "complete" &&
        w.inflight === 0 &&
        !document.querySelector(".spinner") &&
        performance.now() - w.last >= quiet
      );
    },
    quietMs,
    { polling: 25, timeout: 30_000 },
  );
}
