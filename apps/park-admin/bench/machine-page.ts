/**
 * The machine page under load: press-01 of the demo with 30 days of 1 s `rate` readings (2.6 M raw
 * rows, written with the brain's own COPY writer) on top of 30 days of demo history through ingest
 * (states, rollups, jobs). Measured: navigation start → timeline, loss waterfall, trends, signal
 * chart and job ledger all drawn, server included.
 */

import { ingestRawBatch, type ReadingRow } from "@weft/db";
import type { DbHandle } from "@weft/db/client";
import { gateways, machines } from "@weft/db/schema";
import { apiKeyFromSeed, backfillDemo } from "@weft/industry-brain";
import type { Browser } from "playwright-core";

const DAYS = 30;
const CHUNK = 50_000;

/** Seed the history and the raw 1 s readings; returns how many raw readings were written. */
export async function seedMachineMonth(db: DbHandle, now: number): Promise<number> {
  await backfillDemo(db, { machineKeys: ["press-01"], days: DAYS, now });
  const m = (await db.db.select().from(machines)).find((x) => x.key === "press-01");
  if (!m) throw new Error("no press-01");
  const key = apiKeyFromSeed("bench-raw");
  await db.db
    .insert(gateways)
    .values({
      id: "bench-raw",
      enterpriseId: m.enterpriseId,
      name: "bench",
      apiKeyHash: key.hash,
      apiKeyPrefix: key.prefix,
    })
    .onConflictDoNothing();
  const from = now - DAYS * 86_400_000;
  let seq = 1;
  let written = 0;
  for (let t = from; t < now; t += CHUNK * 1000) {
    const rows: ReadingRow[] = [];
    for (let k = 0; k < CHUNK && t + k * 1000 < now; k++) {
      const ts = t + k * 1000;
      rows.push({
        machineId: m.id,
        pointKey: "speed",
        ts,
        value: 9_000 + ((ts / 1000) % 3_000),
        quality: "good",
        signal: "rate",
      });
    }
    await ingestRawBatch(db.db, { gatewayId: "bench-raw", seq: seq++, rows });
    written += rows.length;
  }
  return written;
}

export interface MachinePageRun {
  /** Navigation start → every panel drawn. */
  totalMs: number;
  /** Time with at least one `/trpc` request in flight (request sent → response read), overlaps merged. */
  serverMs: number;
  /** The rest: loading the app, JavaScript, React and ECharts drawing. */
  browserMs: number;
}

/** Load /machines/press-01 `runs` times; ms from navigation to every panel drawn, split server / browser. */
export async function measureMachinePage(
  browser: Browser,
  url: string,
  cookie: { name: string; value: string },
  runs: number,
): Promise<MachinePageRun[]> {
  const out: MachinePageRun[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await context.addCookies([{ ...cookie, url }]);
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${url}/machines/press-01`);
    for (const id of ["machine-timeline", "machine-losses", "machine-trends", "machine-signal-chart"])
      await page.getByTestId(id).locator("canvas").waitFor({ timeout: 60_000 });
    await page.getByTestId("machine-jobs").waitFor({ timeout: 60_000 });
    const totalMs = Date.now() - started;
    const spans = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => new URL(e.name).pathname.startsWith("/trpc/"))
        .map((e) => {
          const r = e as PerformanceResourceTiming;
          return [r.requestStart || r.startTime, r.responseEnd] as [number, number];
        }),
    );
    const serverMs = Math.round(mergedLength(spans));
    out.push({ totalMs, serverMs, browserMs: Math.max(0, totalMs - serverMs) });
    await context.close();
  }
  return out;
}

/** Total length of a set of intervals, overlaps counted once. */
export function mergedLength(spans: [number, number][]): number {
  let total = 0;
  let end = Number.NEGATIVE_INFINITY;
  for (const [a, b] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}
