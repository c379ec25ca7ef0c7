import { type BatchReading, MAX_BATCH_READINGS } from "@weft/core";
import type { DbHandle } from "@weft/db/client";
import { enterprises, gateways, machineLive, machines } from "@weft/db/schema";
import { zoneOffsetMs } from "@weft/kpi";
import { and, eq, inArray, isNotNull } from "drizzle-orm";
import type { Logger } from "pino";
import { apiKeyFromSeed } from "../auth/crypto.ts";
import { DEFAULT_DERIVE, ingestBatch } from "../ingest/service.ts";
import { HISTORY_STALE_MS, historyReadings, seedOf } from "./history.ts";
import { historyProfileFor } from "./history-profiles.ts";

const DAY = 86_400_000;

export interface BackfillOptions {
  /** Machine keys to give a history (the demo's simulated machines). */
  machineKeys: readonly string[];
  days?: number;
  now?: number;
  /** Readings per ingest batch (at most the wire limit, 50,000). */
  batchReadings?: number;
  logger?: Logger;
}

export interface BackfillResult {
  machines: number;
  /** Machines left alone because they already have data (a `--data-dir` restart). */
  skipped: number;
  readings: number;
  batches: number;
  ms: number;
}

/**
 * Give the demo a past: `days` of plausible production per machine (its industry's shifts, breaks,
 * setups, breakdowns, microstops, jobs, scrap and energy), stored through the real ingest path
 * (`ingestBatch`: raw readings, rollups, intervals, jobs, live state), one history gateway per
 * enterprise so the live gateways' seqs stay their own. A machine that already has data is skipped,
 * so a restart on a kept database never backfills twice. Enterprises load in parallel; each one's
 * batches go in time order, so derive always continues from the stored carry (never the late path).
 * @example await backfillDemo(handle, { machineKeys: ["press-01"], days: 30 }); // { machines: 1, readings: 80000, … }
 */
export async function backfillDemo(handle: DbHandle, opts: BackfillOptions): Promise<BackfillResult> {
  const started = Date.now();
  const now = opts.now ?? Date.now();
  const from = now - (opts.days ?? 30) * DAY;
  const size = Math.min(opts.batchReadings ?? MAX_BATCH_READINGS, MAX_BATCH_READINGS);
  const rows = await handle.db
    .select({
      id: machines.id,
      key: machines.key,
      idealCycleS: machines.idealCycleS,
      enterpriseId: enterprises.id,
      enterpriseKey: enterprises.key,
      industryCode: enterprises.industryCode,
      timeZone: enterprises.timeZone,
    })
    .from(machines)
    .innerJoin(enterprises, eq(enterprises.id, machines.enterpriseId))
    .where(inArray(machines.key, [...opts.machineKeys]));
  const withData = new Set(
    rows.length === 0
      ? []
      : (
          await handle.db
            .select({ id: machineLive.machineId })
            .from(machineLive)
            .where(
              and(
                inArray(
                  machineLive.machineId,
                  rows.map((r) => r.id),
                ),
                isNotNull(machineLive.lastTs),
              ),
            )
        ).map((r) => r.id),
  );
  const todo = rows.filter((r) => !withData.has(r.id));
  const byEnterprise = new Map<number, typeof todo>();
  for (const r of todo) byEnterprise.set(r.enterpriseId, [...(byEnterprise.get(r.enterpriseId) ?? []), r]);

  const totals = { readings: 0, batches: 0 };
  await Promise.all(
    [...byEnterprise.values()].map(async (list) => {
      const first = list[0];
      if (!first) return;
      const gateway = await historyGateway(handle, first.enterpriseId, first.enterpriseKey);
      const offsetMs = zoneOffsetMs(now, first.timeZone);
      const profile = historyProfileFor(first.industryCode);
      const readings: BatchReading[] = list
        .flatMap((m) =>
          historyReadings(profile, m, {
            from,
            to: now,
            offsetMs,
            seed: seedOf(`${first.enterpriseKey}/${m.key}`),
          }),
        )
        .sort((a, b) => a.ts - b.ts);
      let seq = gateway.lastSeq + 1;
      for (let i = 0; i < readings.length; i += size) {
        const batch = readings.slice(i, i + size);
        await ingestBatch(
          {
            handle,
            now: () => now,
            derive: { ...DEFAULT_DERIVE, staleMs: HISTORY_STALE_MS },
            ...(opts.logger ? { logger: opts.logger } : {}),
          },
          gateway,
          { gatewayId: gateway.id, seq: seq++, readings: batch },
        );
        totals.readings += batch.length;
        totals.batches += 1;
      }
      opts.logger?.info({ enterprise: first.enterpriseKey, readings: readings.length }, "history backfilled");
    }),
  );
  return { machines: todo.length, skipped: rows.length - todo.length, ...totals, ms: Date.now() - started };
}

/** The enterprise's history gateway (created once; its key is never handed out). */
async function historyGateway(handle: DbHandle, enterpriseId: number, enterpriseKey: string) {
  const id = `gw-${enterpriseKey}-history`.slice(0, 64);
  const key = apiKeyFromSeed(`${id}:${Math.random()}`);
  await handle.db
    .insert(gateways)
    .values({
      id,
      enterpriseId,
      name: "history (demo backfill)",
      apiKeyHash: key.hash,
      apiKeyPrefix: key.prefix,
    })
    .onConflictDoNothing();
  const [row] = await handle.db
    .select({ lastSeq: gateways.lastSeq })
    .from(gateways)
    .where(eq(gateways.id, id));
  return { id, enterpriseId, name: "history (demo backfill)", lastSeq: row?.lastSeq ?? 0 };
}
