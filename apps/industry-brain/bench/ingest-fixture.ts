/**
 * Fixtures of the ingest bench: gateways with their machines, 5,000-reading batches of two shapes,
 * and the same readings as the raw rows the two baselines write.
 */
import type { BatchReading, ReadingBatch } from "@weft/core";
import { createDb, type DbHandle, type ReadingRow } from "@weft/db";
import type { readings as readingsTable } from "@weft/db/schema";
import { sql } from "drizzle-orm";
import { newApiKey } from "../src/auth/crypto.ts";
import type { GatewayPrincipal } from "../src/auth/principal.ts";
import { seedDemo } from "../src/seed/demo.ts";

export const BATCH = 5_000;
const START = Date.now() - 6 * 3_600_000;

/** `standard`: 20 machines × 5 signals × 50 one-second samples a batch; `fanin`: 1,000 machines × 5 signals × 1 sample. */
export const SHAPES = { standard: 20, fanin: 1_000 } as const;
export type Shape = keyof typeof SHAPES;

export interface Gw {
  principal: GatewayPrincipal;
  apiKey: string;
  machines: string[];
}

/** One 5,000-reading batch of a gateway: every machine's 5 signals at `BATCH / (machines × 5)` instants. */
export function makeBatch(gw: Gw, seq: number): ReadingBatch {
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

/** Gateways of the caihong-print demo enterprise, each with its own machines (registered by the first batch). */
export async function setupGateways(
  handle: DbHandle,
  gateways: number,
  tag: string,
  machinesPerGateway: number,
): Promise<Gw[]> {
  const [e] = await handle.query<{ id: number }>(sql`select id from enterprises where key = 'caihong-print'`);
  if (!e) await seedDemo(handle);
  const [ent] = await handle.query<{ id: number }>(
    sql`select id from enterprises where key = 'caihong-print'`,
  );
  const enterpriseId = Number(ent?.id);
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

/** Machine ids by key: the baselines write the same machine ids the brain resolved. */
export async function machineIds(handle: DbHandle, gws: readonly Gw[]): Promise<Map<string, number>> {
  const rows = await handle.query<{ id: number; key: string }>(
    sql`select id, key from machines where key like 'bench-%'`,
  );
  const out = new Map(rows.map((r) => [r.key, Number(r.id)]));
  let n = 1_000_000;
  for (const gw of gws) for (const m of gw.machines) if (!out.has(m)) out.set(m, n++);
  return out;
}

/** A batch as the raw rows the COPY baseline writes (what the brain's COPY writes for it). */
export function rawRows(batch: ReadingBatch, ids: ReadonlyMap<string, number>): ReadingRow[] {
  return batch.readings.map((r) => ({
    machineId: ids.get(r.machine) ?? 0,
    pointKey: r.point,
    ts: r.ts,
    value: r.value,
    quality: r.quality,
    signal: r.signal ?? null,
  }));
}

type InsertRow = typeof readingsTable.$inferInsert;

/** The same batch as drizzle insert values: numbers to value_num, strings to value_text. */
export function insertRows(batch: ReadingBatch, ids: ReadonlyMap<string, number>): InsertRow[] {
  return batch.readings.map((r) => ({
    machineId: ids.get(r.machine) ?? 0,
    pointKey: r.point,
    ts: new Date(r.ts),
    valueNum: typeof r.value === "number" ? r.value : null,
    valueText: typeof r.value === "string" ? r.value : null,
    quality: 0,
    signal: r.signal ?? null,
  }));
}

/** A fresh PostgreSQL database for one bench run (null without DATABASE_URL). */
export async function withPostgres<T>(fn: (h: DbHandle) => Promise<T>): Promise<T | null> {
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
