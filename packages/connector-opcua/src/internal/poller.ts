import { sleep } from "@weft/connector-sdk";
import { AttributeIds, type ClientSession, type DataValue, TimestampsToReturn } from "node-opcua";
import type { OpcuaPoint } from "../config.ts";

/** Read `points` in batches of `batchSize` (one Read request each); results keep the order. */
export async function readBatched(
  session: ClientSession,
  points: readonly Pick<OpcuaPoint, "nodeId">[],
  batchSize: number,
  onRequest?: () => void,
): Promise<DataValue[]> {
  const out: DataValue[] = [];
  for (let i = 0; i < points.length; i += batchSize) {
    const chunk = points.slice(i, i + batchSize);
    onRequest?.();
    const values = await session.read(
      chunk.map((p) => ({ nodeId: p.nodeId, attributeId: AttributeIds.Value })),
      0,
    );
    out.push(...values);
  }
  return out;
}

export interface PollerOptions {
  intervalMs: number;
  batchSize: number;
  signal: AbortSignal;
  onValues(indexes: readonly number[], values: readonly DataValue[]): void;
  onHeartbeat(): void;
  onError(err: unknown): void;
  onRequest(): void;
}

/**
 * Fallback for servers without subscriptions: batched Read of every point each
 * interval (plus CurrentTime as heartbeat). A slow cycle delays the next one, it
 * never overlaps it; a failed cycle waits a full interval (no busy loop).
 */
export async function runPoller(
  session: ClientSession,
  points: readonly OpcuaPoint[],
  indexes: readonly number[],
  o: PollerOptions,
): Promise<void> {
  const targets = indexes.map((i) => points[i]).filter((p): p is OpcuaPoint => p !== undefined);
  while (!o.signal.aborted) {
    const started = Date.now();
    try {
      const values = await readBatched(session, [...targets, { nodeId: "i=2258" }], o.batchSize, o.onRequest);
      if (o.signal.aborted) return;
      const beat = values.pop();
      if (beat?.statusCode.isGood()) o.onHeartbeat();
      o.onValues(indexes, values);
    } catch (e) {
      if (o.signal.aborted) return;
      o.onError(e);
    }
    await sleep(Math.max(0, o.intervalMs - (Date.now() - started)), o.signal);
  }
}

export { TimestampsToReturn };
