/**
 * Recent batches' payloads (the JSON of their readings) by seq, kept in memory so the uplink
 * rarely reads the disk. Bounded by their bytes; the oldest are evicted first.
 */
export class BatchCache {
  private readonly entries = new Map<number, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(seq: number): Buffer | undefined {
    return this.entries.get(seq);
  }

  remember(seq: number, payload: Buffer): void {
    this.entries.set(seq, payload);
    this.bytes += payload.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  forget(seq: number): void {
    const c = this.entries.get(seq);
    if (c) {
      this.entries.delete(seq);
      this.bytes -= c.length;
    }
  }
}
