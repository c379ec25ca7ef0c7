/**
 * `pnpm bench ingest`: readings/s through the real ingest path (validation, raw UNNEST insert,
 * dedupe, rollups, jobs, intervals, live state) into PostgreSQL and PGlite, next to drizzle
 * row-by-row inserts measured in the same run, and over HTTP through tRPC with 5,000-reading batches.
 * PGlite is measured in a data directory, as `weft-brain` runs it, and in memory for reference.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BatchReading, ReadingBatch } from "@weft/core";
import { type CreateDbOptions, createDb, type DbHandle } from "@weft/db";
import { readings as readingsTable } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { newApiKey } from "../src/auth/crypto.ts";
import type { GatewayPrincipal } from "../src/auth/principal.ts";
import { parseReadingBatch } from "../src/ingest/fast-parse.ts";
import { ingestBatch } from "../src/ingest/service.ts";
import { seedDemo } from "../src/seed/demo.ts";
import { startBrain } from "../src/server.ts";
import { client } from "../test/harness.ts";

const BATCH = 5_000;
const WARMUP_BATCHES = 8;
const MACHINES_PER_GATEWAY = 20;
const DERIVE = { staleMs: 5 * 60_000, microstopMs: 60_000 };
const START = Date.now() - 6 * 3_600_000;

interface Gw {
  principal: GatewayPrincipal;
  apiKey: string;
  machines: string[];
}

/**
 * One 5,000-reading batch: by default 20 machines × 5 signals × 50 one-second samples (a gateway
 * flushing every 50 s); with 1,000 machines, one sample each (one flushing every second).
 */
function makeBatch(gw: Gw, seq: number): ReadingBatch {
  const readings: BatchReading[] = [];
  const samples = BATCH / (gw.machines.length * 5);
  for (let s = 0; s < samples; s++) {
    const k = seq * samples + s;
    const ts = START + k * 1000;
    for (let m = 0; m < gw.machines.length; m++) {
      const machine = gw.machines[m] as string;
      const phase = (k + m * 37) % 600;
      const state = phase < 480 ? "running" : phase < 520 ? "setup" : phase < 560 ? "down" : "idle";
      readings.push(
        { machine, point: "State", signal: "state", ts, value: state, quality: "good" },
        { machine, point: "Total", signal: "totalCount", ts, value: k * 3, quality: "good" },
        { machine, point: "Waste", signal: "rejectCount", ts, value: Math.floor(k / 50), quality: "good" },
        { machine, point: "Energy", signal: "energyKwh", ts, value: k * 0.01, quality: "good" },
        { machine, point: "Job", signal: "job", ts, value: `J-${Math.floor(k / 900)}`, quality: "good" },
      );
    }
  }
  return { gatewayId: gw.principal.id, seq, readings };
}

async function setup(
  handle: DbHandle,
  gateways: number,
  tag: string,
  machinesPerGateway = MACHINES_PER_GATEWAY,
): Promise<Gw[]> {
  await seedDemo(handle);
  const [e] = await handle.query<{ id: number }>(sql`select id from enterprises where key = 'caihong-print'`);
  const enterpriseId = Number(e?.id);
  const out: Gw[] = [];
  for (let g = 0; g < gateways; g++) {
    const id = `bench-${tag}-${g}`;
    const key = newApiKey();
    await handle.query(
      sql`insert into gateways (id, enterprise_id, name, api_key_hash, api_key_prefix) values (${id}, ${enterpriseId}, ${id}, ${key.hash}, ${key.prefix})`,
    );
    const machines = Array.from({ length: machinesPerGateway }, (_, m) => `${id}-m${m}`);
    out.push({ principal: { id, enterpriseId, name: id }, apiKey: key.key, machines });
  }
  return out;
}

/** Readings/s of `batches` batches per gateway, all gateways in parallel, each gateway sequential. */
async function runDirect(handle: DbHandle, gws: Gw[], batches: number): Promise<number> {
  const deps = { handle, now: () => Date.now(), derive: DERIVE };
  // Warm-up, not timed: the first batches create machines and partitions and let the JIT compile
  // the hot path; the figure is the steady state a running brain sustains.
  await Promise.all(
    gws.map(async (gw) => {
      for (let s = 0; s < WARMUP_BATCHES; s++)
        await ingestBatch(deps, gw.principal, parseReadingBatch(makeBatch(gw, s)));
    }),
  );
  // Payloads are built before the clock starts: the bench times ingest, not the data generator.
  const payloads = gws.map((gw) =>
    Array.from({ length: batches }, (_, s) => makeBatch(gw, WARMUP_BATCHES + s)),
  );
  const t0 = performance.now();
  await Promise.all(
    gws.map(async (gw, g) => {
      for (const payload of payloads[g] ?? [])
        await ingestBatch(deps, gw.principal, parseReadingBatch(payload));
    }),
  );
  const s = (performance.now() - t0) / 1000;
  return (gws.length * batches * BATCH) / s;
}

/** Drizzle, one INSERT per reading (the naive baseline). */
async function runBaseline(handle: DbHandle, n: number): Promise<number> {
  const [m] = await handle.query<{ id: number }>(sql`select id from machines order by id limit 1`);
  const machineId = Number(m?.id);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    await handle.db.insert(readingsTable).values({
      machineId,
      pointKey: "Baseline",
      ts: new Date(START + i * 1000),
      valueNum: i,
      quality: 0,
      signal: "totalCount",
    });
  }
  return n / ((performance.now() - t0) / 1000);
}

async function runHttp(handle: DbHandle, gws: Gw[], batches: number): Promise<number> {
  const brain = await startBrain({ db: handle, port: 0 });
  try {
    const clients = gws.map((gw) => client(brain.url, { apiKey: gw.apiKey }));
    const payloads = gws.map((gw) => Array.from({ length: batches + 1 }, (_, s) => makeBatch(gw, 1000 + s)));
    await Promise.all(gws.map((_, i) => clients[i]?.ingest.push.mutate(payloads[i]?.[0] as ReadingBatch)));
    const t0 = performance.now();
    await Promise.all(
      gws.map(async (_, i) => {
        for (let s = 1; s <= batches; s++)
          await clients[i]?.ingest.push.mutate(payloads[i]?.[s] as ReadingBatch);
      }),
    );
    return (gws.length * batches * BATCH) / ((performance.now() - t0) / 1000);
  } finally {
    await brain.close();
  }
}

async function withPostgres<T>(fn: (h: DbHandle) => Promise<T>): Promise<T | null> {
  const url = process.env.DATABASE_URL;
  if (!url) return null;
  const name = `weft_bench_${process.pid}`;
  const admin = await createDb({ url, migrate: false, max: 1 });
  await admin.query(sql.raw(`drop database if exists "${name}"`));
  await admin.query(sql.raw(`create database "${name}"`));
  const u = new URL(url);
  u.pathname = `/${name}`;
  const h = await createDb({ url: u.toString(), max: 16 });
  try {
    return await fn(h);
  } finally {
    await h.close();
    await admin.query(sql.raw(`drop database if exists "${name}" with (force)`));
    await admin.close();
  }
}

async function withPglite<T>(options: CreateDbOptions, fn: (h: DbHandle) => Promise<T>): Promise<T> {
  const h = await createDb(options);
  try {
    return await fn(h);
  } finally {
    await h.close();
  }
}

const fmt = (n: number | null): string =>
  n === null ? "n/a" : Math.round(n).toLocaleString("en-US").padStart(12);

async function main(): Promise<void> {
  const pgGateways = Number(process.env.BENCH_GATEWAYS ?? 4);
  const pg = await withPostgres(async (h) => {
    const gws = await setup(h, pgGateways, "pg");
    const direct = await runDirect(h, gws, 25);
    // The same readings spread over many machines: what the brain pays per machine and batch.
    const wide = await runDirect(h, await setup(h, pgGateways, "wide", 1_000), 6);
    const baseline = await runBaseline(h, 3_000);
    const httpGws = await setup(h, pgGateways, "http");
    const http = await runHttp(h, httpGws, 10);
    return { direct, wide, baseline, http };
  });
  // PGlite as `weft-brain` runs it: in a data directory (files on disk). In memory (the demo's
  // default) it is measured too: its file system copies a whole file each time one grows by 12.5%,
  // so it slows down as the readings table grows.
  const dataDir = mkdtempSync(path.join(tmpdir(), "weft-bench-pglite-"));
  const pglite = await withPglite({ dataDir }, async (h) => {
    const gws = await setup(h, 1, "lite");
    const direct = await runDirect(h, gws, 30);
    const baseline = await runBaseline(h, 3_000);
    const http = pg ? null : await runHttp(h, await setup(h, 1, "http"), 6);
    return { direct, baseline, http };
  }).finally(() => rmSync(dataDir, { recursive: true, force: true }));
  const inMemory = await withPglite({}, async (h) => runDirect(h, await setup(h, 1, "mem"), 30));
  const baseline = pg?.baseline ?? pglite.baseline;
  const best = pg?.direct ?? pglite.direct;
  const http = pg?.http ?? pglite.http ?? 0;
  console.log("ingest bench: 5,000-reading batches, 20 machines × 5 signals per batch, rollups included");
  console.log(
    `  PostgreSQL real path (${pgGateways} gateways in parallel)  ${fmt(pg?.direct ?? null)} readings/s`,
  );
  console.log(`  PostgreSQL, 1,000 machines × 1 sample a batch     ${fmt(pg?.wide ?? null)} readings/s`);
  console.log(`  PGlite real path (1 gateway, data directory)     ${fmt(pglite.direct)} readings/s`);
  console.log(`  PGlite real path (1 gateway, in memory)          ${fmt(inMemory)} readings/s`);
  console.log(
    `  drizzle row-by-row INSERT (${pg ? "PostgreSQL" : "PGlite"})             ${fmt(baseline)} readings/s`,
  );
  console.log(`  PGlite row-by-row INSERT                         ${fmt(pglite.baseline)} readings/s`);
  console.log(
    `  HTTP tRPC ingest.push (${pg ? "PostgreSQL" : "PGlite"})               ${fmt(http)} readings/s`,
  );
  console.log(`  ratio real path / row-by-row                      ${(best / baseline).toFixed(1)}×`);
  console.log(
    JSON.stringify({
      bench: "ingest",
      pg_readings_per_s: pg ? Math.round(pg.direct) : null,
      pglite_readings_per_s: Math.round(pglite.direct),
      baseline_readings_per_s: Math.round(baseline),
      ratio: Math.round((best / baseline) * 10) / 10,
      http_readings_per_s: Math.round(http),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
