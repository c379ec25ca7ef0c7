import { type BatchReading, type ReadingBatch, WeftError } from "@weft/core";
import { type DbHandle, type EncodedReadings, ingestRawBatch, ReadingEncoder } from "@weft/db";
import type { Logger } from "pino";
import { auditSql } from "../audit.ts";
import type { GatewayPrincipal } from "../auth/principal.ts";
import { type DeriveOptions, type DeriveStats, deriveBatch } from "./derive.ts";
import { type IngestMachine, resolveMachines } from "./machines.ts";
import type { ReplayReading } from "./replay.ts";
import { type RejectedReading, timestampProblem } from "./validate.ts";

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
 * then one transaction that records (gateway, seq), copies the raw readings in (binary COPY) and updates
 * rollups, jobs, intervals, live state and the audit log. A replayed batch is accepted and writes nothing.
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
  const readings = batch.readings;
  const keys = new Set<string>();
  for (const r of readings) keys.add(r.machine);
  const { machines, registered } = await resolveMachines(deps.handle.db, gateway.enterpriseId, [...keys]);
  if (registered.length > 0)
    deps.logger?.info({ gateway: gateway.id, machines: registered }, "machines registered by ingest");

  const { encoded, byMachine, rejected } = prepareReadings(readings, machines, deps.now());
  let stats: DeriveStats | null = null;
  const res = await ingestRawBatch(
    deps.handle.db,
    { gatewayId: gateway.id, seq: batch.seq, rows: encoded },
    {
      afterInsert: async (tx) => {
        const audited = auditSql({ kind: "gateway", gateway }, "ingest.batch", `gateway:${gateway.id}`, {
          seq: batch.seq,
          readings: encoded.count,
          rejected: rejected.length,
          ...(registered.length > 0 ? { registered } : {}),
        });
        stats = await deriveBatch(tx, byMachine, deps.derive, [audited]);
      },
    },
  );
  if (stats)
    deps.logger?.debug(
      { gateway: gateway.id, seq: batch.seq, readings: encoded.count, ...(stats as DeriveStats) },
      "batch ingested",
    );
  return { accepted: encoded.count, duplicate: res.duplicate, rejected, registered };
}

/**
 * One pass over a batch: screen each reading's timestamp, encode the kept ones for the raw COPY and
 * group them per machine for derive.
 */
function prepareReadings(
  readings: readonly BatchReading[],
  machines: ReadonlyMap<string, IngestMachine>,
  now: number,
): { encoded: EncodedReadings; byMachine: Map<IngestMachine, ReplayReading[]>; rejected: RejectedReading[] } {
  const rejected: RejectedReading[] = [];
  const encoder = new ReadingEncoder({ expectedRows: readings.length });
  const byMachine = new Map<IngestMachine, ReplayReading[]>();
  let lastKey: string | null = null;
  let machine: IngestMachine | undefined;
  let list: ReplayReading[] = [];
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i] as BatchReading;
    const problem = timestampProblem(r.ts, now);
    if (problem !== null) {
      rejected.push({ index: i, reason: problem });
      continue;
    }
    if (r.machine !== lastKey) {
      lastKey = r.machine;
      machine = machines.get(r.machine);
      if (!machine) throw new WeftError("INTERNAL", `machine ${r.machine} vanished during ingest`);
      let l = byMachine.get(machine);
      if (!l) {
        l = [];
        byMachine.set(machine, l);
      }
      list = l;
    }
    const signal = r.signal ?? null;
    encoder.add((machine as IngestMachine).id, r.point, signal, r.ts, r.value, r.quality, r.status ?? null);
    list.push({ ts: r.ts, pointKey: r.point, signal: r.quality === "bad" ? null : signal, value: r.value });
  }
  return { encoded: encoder.finish(), byMachine, rejected };
}
