/**
 * `pnpm bench ingest`: readings/s through the brain's real ingest path (validation, machine
 * resolution, dedupe record, binary COPY of the raw readings, rollups, jobs, intervals, counters,
 * live state, audit) next to two baselines measured in the same run, on the same data, with the same
 * concurrency and pool, all warmed up:
 * - batched insert: drizzle `insert(readings).values(batch)` of the same 5,000 readings, one
 *   transaction each — what a user would write instead;
 * - COPY limit: binary `COPY readings FROM STDIN` of the same raw rows with no dedupe and no
 *   derivation — what the database can take at most.
 * Two shapes of 5,000-reading batches: `standard` (20 machines × 50 samples) and `fanin` (1,000
 * machines × 1 sample). PostgreSQL (DATABASE_URL) and PGlite in a data directory, as `weft-brain`
 * runs it; HTTP through tRPC on the first of them. Options: --db pg|pglite, --shape standard|fanin,
 * --rounds N, --no-http; env BENCH_GATEWAYS (PostgreSQL writers, default 4).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { ReadingBatch } from "@weft/core";
import { createDb, type DbHandle, insertReadings } from "@weft/db";
import { readings as readingsTable } from "@weft/db/schema";
import { parseReadingBatch } from "../src/ingest/fast-parse.ts";
import { ingestBatch } from "../src/ingest/service.ts";
import { startBrain } from "../src/server.ts";
import { client } from "../test/harness.ts";
import {
  BATCH,
  type Gw,
  insertRows,
  machineIds,
  makeBatch,
  rawRows,
  SHAPES,
  type Shape,
  setupGateways,
  withPostgres,
} from "./ingest-fixture.ts";

const { values: opts } = parseArgs({
  options: {
    db: { type: "string" },
    shape: { type: "string" },
    rounds: { type: "string", default: "2" },
    "no-http": { type: "boolean", default: false },
  },
});
const ROUNDS = Math.max(1, Number(opts.rounds));
const WARMUP = 4;
const DERIVE = { staleMs: 5 * 60_000, microstopMs: 60_000 };
/** Batches per gateway and round: about a second of work each. */
const BATCHES: Record<Shape, number> = { standard: 20, fanin: 6 };

const t00 = performance.now();
const progress = (msg: string) =>
  console.log(`  [${((performance.now() - t00) / 1000).toFixed(0).padStart(4)} s] ${msg}`);

/**
 * CPU seconds used so far by every PostgreSQL server process on this host (utime + stime from
 * /proc), or null where there is no /proc. The bench's own process is the brain (PGlite included).
 */
function postgresCpuS(): number | null {
  try {
    let ticks = 0;
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      } catch {
        continue; // ended meanwhile
      }
      const close = stat.lastIndexOf(")");
      if (!stat.slice(stat.indexOf("(") + 1, close).startsWith("postgres")) continue;
      const f = stat.slice(close + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]); // fields 14 and 15: utime, stime
    }
    return ticks / CLK_TCK;
  } catch {
    return null;
  }
}
/** Linux's USER_HZ: /proc counts CPU time in these ticks. */
const CLK_TCK = 100;

/** CPU milliseconds per batch: the brain (this process) and the PostgreSQL backends. */
interface CpuPerBatch {
  brain: number;
  postgres: number | null;
}
const lastCpu = new Map<string, CpuPerBatch>();

/**
 * Readings/s of `fn` run for `batches` batches per writer, all writers in parallel, each sequential.
 * With `cpuKey`, the CPU per batch of the run is kept under that key (see {@link lastCpu}).
 */
async function timed<T>(
  writers: readonly Gw[],
  batches: number,
  prepare: (gw: Gw, seq: number) => T,
  write: (gw: Gw, payload: T) => Promise<unknown>,
  seq0: number,
  cpuKey?: string,
): Promise<number> {
  // Payloads are built before the clock starts: the bench times writing, not the data generator.
  const payloads = writers.map((gw) => Array.from({ length: batches }, (_, s) => prepare(gw, seq0 + s)));
  const cpu0 = process.cpuUsage();
  const pg0 = postgresCpuS();
  const t0 = performance.now();
  await Promise.all(
    writers.map(async (gw, g) => {
      for (const p of payloads[g] ?? []) await write(gw, p);
    }),
  );
  const perS = (writers.length * batches * BATCH) / ((performance.now() - t0) / 1000);
  if (cpuKey) {
    const cpu = process.cpuUsage(cpu0);
    const pg1 = postgresCpuS();
    const n = writers.length * batches;
    lastCpu.set(cpuKey, {
      brain: (cpu.user + cpu.system) / 1000 / n,
      postgres: pg0 === null || pg1 === null ? null : ((pg1 - pg0) * 1000) / n,
    });
  }
  return perS;
}

interface ShapeResult {
  weft: number;
  batched_insert: number;
  copy_limit: number;
  ratio_vs_batched_insert: number;
  fraction_of_copy_limit: number;
  /** CPU ms per 5,000-reading batch in the best round: where the time goes, weft vs the COPY limit. */
  cpu_ms_per_batch: { weft: CpuPerBatch; copy_limit: CpuPerBatch };
}

async function runShape(h: DbHandle, label: string, shape: Shape, writers: number): Promise<ShapeResult> {
  const gws = await setupGateways(h, writers, `${label.toLowerCase()}-${shape}`, SHAPES[shape]);
  const deps = { handle: h, now: () => Date.now(), derive: DERIVE };
  const weft = (gw: Gw, b: ReadingBatch) => ingestBatch(deps, gw.principal, parseReadingBatch(b));
  // Warm-up, not timed: registers the machines, creates partitions, lets the JIT compile.
  await timed(gws, WARMUP, makeBatch, weft, 0);
  const ids = await machineIds(h, gws);
  const insert = (_: Gw, rows: ReturnType<typeof insertRows>) =>
    h.db.transaction((tx) => tx.insert(readingsTable).values(rows));
  const copy = (_: Gw, rows: ReturnType<typeof rawRows>) => insertReadings(h.db, rows);
  const toInsert = (gw: Gw, s: number) => insertRows(makeBatch(gw, s), ids);
  const toCopy = (gw: Gw, s: number) => rawRows(makeBatch(gw, s), ids);
  await timed(gws, 2, toInsert, insert, 0);
  await timed(gws, WARMUP, toCopy, copy, 0);
  const best = { weft: 0, batched_insert: 0, copy_limit: 0 };
  const zero: CpuPerBatch = { brain: 0, postgres: null };
  const cpu = { weft: zero, copy_limit: zero };
  const n = BATCHES[shape];
  let seq = WARMUP;
  // Rounds alternate the three writers, so load changes on the host touch all of them alike.
  for (let r = 0; r < ROUNDS; r++) {
    const w = await timed(gws, n, makeBatch, weft, seq, "weft");
    // drizzle's insert is slow enough that a quarter of the batches fills a second.
    const i = await timed(gws, Math.max(2, Math.ceil(n / 4)), toInsert, insert, seq);
    const c = await timed(gws, n, toCopy, copy, seq, "copy");
    if (w > best.weft) cpu.weft = lastCpu.get("weft") ?? zero;
    if (c > best.copy_limit) cpu.copy_limit = lastCpu.get("copy") ?? zero;
    seq += n;
    progress(
      `${label} ${shape} round ${r + 1}/${ROUNDS}: weft ${fmt(w)}, batched insert ${fmt(i)}, COPY ${fmt(c)} readings/s (load ${loadavg()[0]?.toFixed(1)})`,
    );
    best.weft = Math.max(best.weft, w);
    best.batched_insert = Math.max(best.batched_insert, i);
    best.copy_limit = Math.max(best.copy_limit, c);
  }
  return {
    ...best,
    ratio_vs_batched_insert: round2(best.weft / best.batched_insert),
    fraction_of_copy_limit: round2(best.weft / best.copy_limit),
    cpu_ms_per_batch: {
      weft: roundCpu(cpu.weft),
      copy_limit: roundCpu(cpu.copy_limit),
    },
  };
}

function roundCpu(c: CpuPerBatch): CpuPerBatch {
  const r = (x: number) => Math.round(x * 10) / 10;
  return { brain: r(c.brain), postgres: c.postgres === null ? null : r(c.postgres) };
}

async function runHttp(h: DbHandle, label: string, writers: number, batches: number): Promise<number> {
  const gws = await setupGateways(h, writers, `${label.toLowerCase()}-http`, SHAPES.standard);
  const brain = await startBrain({ db: h, port: 0 });
  try {
    const clients = gws.map((gw) => client(brain.url, { apiKey: gw.apiKey }));
    const push = (gw: Gw, b: ReadingBatch) =>
      clients[gws.indexOf(gw)]?.ingest.push.mutate(b) as Promise<unknown>;
    await timed(gws, 1, makeBatch, push, 0);
    return await timed(gws, batches, makeBatch, push, 1);
  } finally {
    await brain.close();
  }
}

type DbResult = Partial<Record<Shape, ShapeResult>> & { http?: number };

async function runDb(h: DbHandle, label: string, writers: number, http: boolean): Promise<DbResult> {
  const out: DbResult = {};
  for (const shape of Object.keys(SHAPES) as Shape[]) {
    if (opts.shape && opts.shape !== shape) continue;
    progress(`${label} ${shape}: ${writers} writer(s), ${SHAPES[shape]} machines each, warming up`);
    out[shape] = await runShape(h, label, shape, writers);
  }
  if (http) {
    progress(`${label} HTTP tRPC ingest.push`);
    out.http = await runHttp(h, label, writers, 8);
  }
  return out;
}

const fmt = (n: number | undefined): string =>
  n === undefined ? "n/a" : Math.round(n).toLocaleString("en-US").padStart(9);
const round2 = (x: number) => Math.round(x * 100) / 100;

function printTable(name: string, r: DbResult | null): void {
  if (!r) return;
  for (const shape of Object.keys(SHAPES) as Shape[]) {
    const s = r[shape];
    if (!s) continue;
    console.log(
      `  ${name.padEnd(10)} ${shape.padEnd(8)} ${fmt(s.weft)} ${fmt(s.batched_insert)} ${fmt(s.copy_limit)}   ${s.ratio_vs_batched_insert.toFixed(2).padStart(5)}×   ${s.fraction_of_copy_limit.toFixed(2)}`,
    );
  }
}

async function main(): Promise<void> {
  const pgWriters = Number(process.env.BENCH_GATEWAYS ?? 4);
  const load0 = loadavg()[0] ?? 0;
  const wantPg = !opts.db || opts.db === "pg";
  const wantLite = !opts.db || opts.db === "pglite";
  const pg = wantPg ? await withPostgres((h) => runDb(h, "PostgreSQL", pgWriters, !opts["no-http"])) : null;
  if (wantPg && !pg) progress("PostgreSQL skipped: DATABASE_URL is not set");
  let lite: DbResult | null = null;
  if (wantLite) {
    // PGlite as `weft-brain` runs it: in a data directory; one writer (PGlite has one connection).
    const dataDir = mkdtempSync(path.join(tmpdir(), "weft-bench-pglite-"));
    const h = await createDb({ dataDir });
    try {
      lite = await runDb(h, "PGlite", 1, !pg && !opts["no-http"]);
    } finally {
      await h.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const load1 = loadavg()[0] ?? 0;
  console.log(
    `\ningest bench: ${BATCH.toLocaleString("en-US")}-reading batches, best of ${ROUNDS} alternating rounds, readings/s`,
  );
  console.log(
    "  weft           = brain ingest path: dedupe + binary COPY + rollups, jobs, intervals, counters, live state, audit",
  );
  console.log(
    "  batched insert = drizzle insert(readings).values(5,000 rows), one transaction per batch, no derivation",
  );
  console.log("  COPY limit     = binary COPY of the same raw rows into readings, no dedupe, no derivation");
  console.log(
    `  writers: PostgreSQL ${pgWriters} in parallel (pool 16), PGlite 1; standard = 20 machines × 50 samples, fanin = 1,000 machines × 1 sample`,
  );
  console.log("  db         shape         weft  batched    COPY      weft/insert  weft/COPY");
  printTable("PostgreSQL", pg);
  printTable("PGlite", lite);
  console.log(
    "\n  CPU ms per batch, best round (brain = this process, PGlite included; PostgreSQL = its server processes)",
  );
  console.log("  db         shape     weft brain  weft pg   COPY brain  COPY pg");
  for (const [name, r] of [
    ["PostgreSQL", pg],
    ["PGlite", lite],
  ] as const)
    for (const shape of Object.keys(SHAPES) as Shape[]) {
      const c = r?.[shape]?.cpu_ms_per_batch;
      if (!c) continue;
      const f = (x: number | null) => (x === null ? "n/a" : x.toFixed(1)).padStart(9);
      console.log(
        `  ${name.padEnd(10)} ${shape.padEnd(8)} ${f(c.weft.brain)} ${f(c.weft.postgres)}   ${f(c.copy_limit.brain)} ${f(c.copy_limit.postgres)}`,
      );
    }
  const http = pg?.http ?? lite?.http;
  if (http !== undefined)
    console.log(`  HTTP tRPC ingest.push (${pg ? "PostgreSQL" : "PGlite"}, standard)  ${fmt(http)}`);
  console.log(
    `  peak RSS of the bench process (brain${lite ? ", PGlite" : ""} and the pre-built batches) ${rssMb} MB; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`,
  );
  const pick = (r: DbResult | null) => (r ? { standard: r.standard ?? null, fanin: r.fanin ?? null } : null);
  console.log(
    JSON.stringify({
      bench: "ingest",
      pg_readings_per_s: pg?.standard ? Math.round(pg.standard.weft) : null,
      pg_fanin_readings_per_s: pg?.fanin ? Math.round(pg.fanin.weft) : null,
      pglite_readings_per_s: lite?.standard ? Math.round(lite.standard.weft) : null,
      pglite_fanin_readings_per_s: lite?.fanin ? Math.round(lite.fanin.weft) : null,
      http_readings_per_s: http === undefined ? null : Math.round(http),
      pg: roundAll(pick(pg)),
      pglite: roundAll(pick(lite)),
      peak_rss_mb: rssMb,
      load_avg: [round2(load0), round2(load1)],
    }),
  );
}

function roundAll<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "number" && x > 1000 ? Math.round(x) : x)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
