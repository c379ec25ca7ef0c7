import { type ReadingBatch, WeftError } from "@weft/core";
import { type DbHandle, ingestRawBatch, type ReadingRow } from "@weft/db";
import type { Logger } from "pino";
import type { GatewayPrincipal } from "../auth/principal.ts";
import { type DeriveOptions, type DeriveStats, deriveBatch } from "./derive.ts";
import { type IngestMachine, resolveMachines } from "./machines.ts";
import type { ReplayReading } from "./replay.ts";
import { type RejectedReading, screenReadings } from "./validate.ts";

export interface IngestResult {
  /** Readings stored (or, for a replayed batch, that had been stored the first time). */
  accepted: number;
  /** True when this (gatewayId, seq) was already stored: nothing was written again. */
  duplicate: boolean;
  rejected: RejectedReading[];
  /** Machine keys this batch registered in the gateway's enterprise. */
  registered: string[];
}

export interface IngestDeps {
  handle: DbHandle;
  now: () => number;
  logger?: Logger;
  derive: DeriveOptions;
}

export const DEFAULT_DERIVE: DeriveOptions = { staleMs: 5 * 60_000, microstopMs: 60_000 };

/**
 * The ingest path: per-reading plausibility, machine resolution (auto-register, enterprise wall),
 * then one transaction that records (gateway, seq), inserts the raw readings with UNNEST and updates
 * rollups, jobs, intervals and live state. A replayed batch is accepted and writes nothing.
 * @example const r = await ingestBatch(deps, gateway, batch); // { accepted: 5000, duplicate: false, rejected: [] }
 */
export async function ingestBatch(
  deps: IngestDeps,
  gateway: GatewayPrincipal,
  batch: ReadingBatch,
): Promise<IngestResult> {
  if (batch.gatewayId !== gateway.id) {
    throw new WeftError(
      "FORBIDDEN",
      `this API key belongs to gateway ${gateway.id}, not ${batch.gatewayId}`,
      {
        field: "gatewayId",
        fix: "send batches with the gatewayId the API key was issued for",
      },
    );
  }
  const { kept, rejected } = screenReadings(batch.readings, deps.now());
  const { machines, registered } = await resolveMachines(
    deps.handle.db,
    gateway.enterpriseId,
    batch.readings.map((r) => r.machine),
  );
  if (registered.length > 0)
    deps.logger?.info({ gateway: gateway.id, machines: registered }, "machines registered by ingest");

  const rows: ReadingRow[] = new Array(kept.length);
  const byMachine = new Map<IngestMachine, ReplayReading[]>();
  for (let k = 0; k < kept.length; k++) {
    const r = batch.readings[kept[k] as number];
    if (!r) continue;
    const machine = machines.get(r.machine);
    if (!machine) throw new WeftError("INTERNAL", `machine ${r.machine} vanished during ingest`);
    rows[k] = {
      machineId: machine.id,
      pointKey: r.point,
      ts: r.ts,
      value: r.value,
      quality: r.quality,
      status: r.status ?? null,
      signal: r.signal ?? null,
    };
    let list = byMachine.get(machine);
    if (!list) {
      list = [];
      byMachine.set(machine, list);
    }
    list.push({
      ts: r.ts,
      pointKey: r.point,
      signal: r.quality === "bad" ? null : (r.signal ?? null),
      value: r.value,
    });
  }
  let stats: DeriveStats | null = null;
  const res = await ingestRawBatch(
    deps.handle.db,
    { gatewayId: gateway.id, seq: batch.seq, rows },
    {
      afterInsert: async (tx) => {
        stats = await deriveBatch(tx, byMachine, deps.derive);
      },
    },
  );
  if (stats)
    deps.logger?.debug(
      { gateway: gateway.id, seq: batch.seq, readings: rows.length, ...(stats as DeriveStats) },
      "batch ingested",
    );
  return { accepted: rows.length, duplicate: res.duplicate, rejected, registered };
}
