import {
  type BatchReading,
  counterMax,
  type IngestPushOutput,
  type ReadingBatch,
  WeftError,
} from "@weft/core";
import {
  type BatchPartRecord,
  type DbHandle,
  type EncodedReadings,
  ingestRawBatch,
  ReadingEncoder,
} from "@weft/db";
import type { Logger } from "pino";
import { auditSql } from "../audit.ts";
import type { GatewayPrincipal } from "../auth/principal.ts";
import { type DeriveOptions, type DeriveStats, deriveBatch } from "./derive.ts";
import { readingsDigest } from "./digest.ts";
import { type IngestMachine, resolveMachines } from "./machines.ts";
import { inSeqOrder } from "./order.ts";
import type { ReplayReading } from "./replay.ts";
import { type RejectedReading, timestampProblem } from "./validate.ts";

/** What ingest.push answers: the uplink contract that gateways read from @weft/core. */
export type IngestResult = IngestPushOutput;

export interface IngestDeps {
  handle: DbHandle;
  now: () => number;
  logger?: Logger;
  derive: DeriveOptions;
}

export const DEFAULT_DERIVE: DeriveOptions = { staleMs: 5 * 60_000, microstopMs: 60_000 };

/**
 * The ingest path: per-reading plausibility, machine resolution (auto-register, enterprise wall),
 * then one transaction that records (gateway, seq) with a digest of the readings, copies the raw
 * readings in (binary COPY) and updates rollups, jobs, intervals, live state and the audit log. A
 * replayed batch (same seq, same digest) is accepted and writes nothing; a reused seq with other
 * readings is refused with SEQ_CONFLICT. A merged upload (`parts`) is deduplicated part by part.
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

  const now = deps.now();
  const all = prepareReadings(readings, machines, now, [[0, readings.length]]);
  const parts = partsOf(batch, all.rejected);
  let stored = all;
  let stats: DeriveStats | null = null;
  const res = await inSeqOrder(deps.handle, gateway.id, batch.seq, () =>
    ingestRawBatch(
      deps.handle.db,
      { gatewayId: gateway.id, seq: batch.seq, rows: all.encoded, parts: parts.map((p) => p.record) },
      {
        // Some parts were stored before (a replay merged differently): only the others' readings.
        rowsOfParts: (fresh) => {
          stored = prepareReadings(
            readings,
            machines,
            now,
            parts.filter((p) => fresh.has(p.record.seq)).map((p) => p.range),
          );
          return stored.encoded;
        },
        afterInsert: async (tx) => {
          const audited = auditSql({ kind: "gateway", gateway }, "ingest.batch", `gateway:${gateway.id}`, {
            seq: batch.seq,
            ...(batch.parts ? { parts: batch.parts.length } : {}),
            readings: stored.encoded.count,
            rejected: all.rejected.length,
            ...(registered.length > 0 ? { registered } : {}),
          });
          stats = await deriveBatch(tx, stored.byMachine, deps.derive, [audited]);
        },
      },
    ),
  );
  if (stats)
    deps.logger?.debug(
      { gateway: gateway.id, seq: batch.seq, readings: stored.encoded.count, ...(stats as DeriveStats) },
      "batch ingested",
    );
  return {
    accepted: all.encoded.count,
    duplicate: res.duplicate,
    duplicateParts: res.duplicateParts,
    rejected: all.rejected,
    registered,
  };
}

/**
 * Each gateway batch of an upload: the range of readings it owns, the digest of all of them and, as
 * its stored count, the readings kept (not rejected).
 */
function partsOf(
  batch: ReadingBatch,
  rejected: readonly RejectedReading[],
): { record: BatchPartRecord; range: [number, number] }[] {
  const list = batch.parts ?? [{ seq: batch.seq, count: batch.readings.length }];
  let at = 0;
  let r = 0;
  return list.map((p) => {
    const range: [number, number] = [at, at + p.count];
    at += p.count;
    let dropped = 0;
    while (r < rejected.length && (rejected[r]?.index ?? Infinity) < range[1]) {
      dropped++;
      r++;
    }
    const digest = readingsDigest(batch.readings, range[0], range[1]);
    return { record: { seq: p.seq, count: p.count - dropped, digest }, range };
  });
}

/**
 * One pass over the readings in `ranges`: screen each reading's timestamp, encode the kept ones for
 * the raw COPY and group them per machine for derive. Rejections name the reading's batch index.
 */
function prepareReadings(
  readings: readonly BatchReading[],
  machines: ReadonlyMap<string, IngestMachine>,
  now: number,
  ranges: readonly [number, number][],
): { encoded: EncodedReadings; byMachine: Map<IngestMachine, ReplayReading[]>; rejected: RejectedReading[] } {
  const rejected: RejectedReading[] = [];
  const encoder = new ReadingEncoder({ expectedRows: readings.length });
  const byMachine = new Map<IngestMachine, ReplayReading[]>();
  let lastKey: string | null = null;
  let machine: IngestMachine | undefined;
  let list: ReplayReading[] = [];
  for (const [from, to] of ranges) {
    for (let i = from; i < to; i++) {
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
      const reading: ReplayReading = {
        ts: r.ts,
        pointKey: r.point,
        signal: r.quality === "bad" ? null : signal,
        value: r.value,
      };
      if (r.counter) reading.counterMax = counterMax(r.counter);
      list.push(reading);
    }
  }
  return { encoded: encoder.finish(), byMachine, rejected };
}
