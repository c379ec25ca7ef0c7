import { applyScaling } from "@weft/connector-sdk";
import type { CounterSpec, Reading } from "@weft/core";
import { DataType, type DataValue } from "node-opcua";
import type { OpcuaPoint } from "../config.ts";
import { variantToValue } from "../datatype.ts";
import { mapStatus } from "../quality.ts";

export type TimestampSource = "source" | "server" | "gateway";

function pickTs(dv: DataValue, source: TimestampSource, now: number): number {
  const src = dv.sourceTimestamp?.getTime();
  const srv = dv.serverTimestamp?.getTime();
  const t = source === "source" ? (src ?? srv) : source === "server" ? (srv ?? src) : undefined;
  return t !== undefined && Number.isFinite(t) && t > 0 ? Math.floor(t) : now;
}

const UNSIGNED_BITS: Partial<Record<DataType, 16 | 32 | 64>> = {
  [DataType.UInt16]: 16,
  [DataType.UInt32]: 32,
  [DataType.UInt64]: 64,
};

/**
 * A point's counter width: as configured, else from the node's unsigned DataType (UInt16/32/64) when the
 * value is unscaled (a scaled value no longer rolls over at the type's maximum). Others carry none.
 */
export function counterOf(point: OpcuaPoint, dataType: DataType): CounterSpec | undefined {
  if (point.counter) return point.counter;
  const bits = UNSIGNED_BITS[dataType];
  return bits !== undefined && point.scale === undefined && point.offset === undefined ? { bits } : undefined;
}

/** One DataValue of one point → a Reading (quality from the status code, value JSON-safe and scaled). */
export function toReading(
  point: OpcuaPoint,
  dv: DataValue,
  source: TimestampSource,
  now = Date.now(),
): Reading {
  const mapped = mapStatus(dv.statusCode);
  const ts = pickTs(dv, source, now);
  if (mapped.quality === "bad")
    return { point: point.id, ts, value: null, quality: "bad", status: mapped.status };
  const converted = variantToValue(dv.value);
  const value = applyScaling(converted.value, point);
  if (converted.problem)
    return {
      point: point.id,
      ts,
      value: null,
      quality: "uncertain",
      status: `${mapped.status ?? "Good"}: ${converted.problem}`,
    };
  const r: Reading = mapped.status
    ? { point: point.id, ts, value, quality: mapped.quality, status: mapped.status }
    : { point: point.id, ts, value, quality: mapped.quality };
  const counter = counterOf(point, dv.value.dataType);
  if (counter) r.counter = counter;
  return r;
}

/** A bad reading for every point (connection lost, not connected, …). */
export function badReadings(points: readonly OpcuaPoint[], status: string, ts = Date.now()): Reading[] {
  return points.map((p) => ({
    point: p.id,
    ts,
    value: null,
    quality: "bad" as const,
    status: status.slice(0, 200),
  }));
}

/** Batches readings and hands them to the sink once per macrotask (50k notifications/s friendly). */
export class ReadingBuffer {
  #pending: Reading[] = [];
  #scheduled = false;
  constructor(private readonly deliver: (batch: Reading[]) => void) {}

  push(r: Reading): void {
    this.#pending.push(r);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  pushAll(rs: readonly Reading[]): void {
    for (const r of rs) this.push(r);
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.deliver(batch);
  }
}
