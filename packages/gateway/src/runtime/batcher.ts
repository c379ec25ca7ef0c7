import type { BatchReading } from "@weft/core";

export interface BatcherOptions {
  maxReadings: number;
  maxAgeMs: number;
  /** Receives each full or aged batch (the journal append). Must not throw. */
  flush(readings: BatchReading[]): void;
}

/** Collects readings into batches by size and by age of the oldest pending reading. */
export class Batcher {
  private pending: BatchReading[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: BatcherOptions) {}

  add(readings: readonly BatchReading[]): void {
    for (const r of readings) {
      this.pending.push(r);
      if (this.pending.length >= this.o.maxReadings) this.flush();
    }
    if (this.pending.length > 0 && !this.timer) {
      this.timer = setTimeout(() => this.flush(), this.o.maxAgeMs);
      this.timer.unref();
    }
  }

  get size(): number {
    return this.pending.length;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.o.flush(batch);
  }

  close(): void {
    this.flush();
  }
}
