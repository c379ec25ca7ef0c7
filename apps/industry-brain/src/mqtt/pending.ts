import type { BatchPart, BatchReading, ReadingBatch } from "@weft/core";

/** One MQTT message's readings and the key the brain stores it under. */
export interface Delivery {
  key: number;
  readings: BatchReading[];
}

/**
 * The deliveries one gateway sent since the last flush, merged into one `ReadingBatch` with one
 * part per delivery (keys ascending, as `parts` requires) so many MQTT messages cost one
 * transaction. A key seen twice before a flush (a QoS 1 redelivery, a resend) is kept once.
 */
export class PendingDeliveries {
  private readonly byKey = new Map<number, BatchReading[]>();
  private count = 0;

  get readings(): number {
    return this.count;
  }

  get size(): number {
    return this.byKey.size;
  }

  /** False when this key is already pending (nothing is added). */
  add(d: Delivery): boolean {
    if (d.readings.length === 0 || this.byKey.has(d.key)) return false;
    this.byKey.set(d.key, d.readings);
    this.count += d.readings.length;
    return true;
  }

  /** Everything pending as one batch (null when empty), and the keys it carries. */
  take(gatewayId: string): { batch: ReadingBatch; keys: number[] } | null {
    if (this.byKey.size === 0) return null;
    const keys = [...this.byKey.keys()].sort((a, b) => a - b);
    const parts: BatchPart[] = new Array(keys.length);
    const readings: BatchReading[] = [];
    keys.forEach((k, i) => {
      const rs = this.byKey.get(k) as BatchReading[];
      parts[i] = { seq: k, count: rs.length };
      for (const r of rs) readings.push(r);
    });
    this.byKey.clear();
    this.count = 0;
    return { batch: { gatewayId, seq: keys[0] as number, parts, readings }, keys };
  }
}
