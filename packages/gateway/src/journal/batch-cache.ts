import type { BatchReading } from "@weft/core";

/**
 * Recent batches by seq, kept in memory so the uplink rarely reads the disk.
 * Bounded by the bytes of their JSON payloads; the oldest are evicted first.
 */
export class BatchCache {
  private readonly entries = new Map<number, { readings: BatchReading[]; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(seq: number): BatchReading[] | undefined {
    return this.entries.get(seq)?.readings;
  }

  remember(seq: number, readings: BatchReading[], bytes: number): void {
    this.entries.set(seq, { readings, bytes });
    this.bytes += bytes;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.bytes;
    }
  }

  forget(seq: number): void {
    const c = this.entries.get(seq);
    if (c) {
      this.entries.delete(seq);
      this.bytes -= c.bytes;
    }
  }
}
