import { splitDeliveryKey } from "@weft/sparkplug";

/** One journal batch sent as DDATA messages, waiting for the brain to confirm each part. */
interface Sent {
  local: number;
  parts: Set<number>;
  sentAt: number;
}

/**
 * Which sent batches the brain has confirmed storing. A batch is done when every one of its
 * delivery keys came back in a receipt; a batch with no readings is done at once.
 */
export class ReceiptBook {
  private readonly byWire = new Map<number, Sent>();

  get size(): number {
    return this.byWire.size;
  }

  sent(local: number, wire: number, keys: readonly number[], now: number): void {
    this.byWire.set(wire, { local, parts: new Set(keys), sentAt: now });
  }

  /** Apply a receipt; returns the local seqs of batches now complete. */
  confirm(keys: readonly number[]): number[] {
    const done: number[] = [];
    for (const key of keys) {
      const { batchSeq } = splitDeliveryKey(key);
      const s = this.byWire.get(batchSeq);
      if (!s?.parts.delete(key)) continue;
      if (s.parts.size === 0) {
        this.byWire.delete(batchSeq);
        done.push(s.local);
      }
    }
    return done;
  }

  /** The send time of the longest-waiting batch (null when none waits). */
  oldest(): number | null {
    let o: number | null = null;
    for (const s of this.byWire.values()) if (o === null || s.sentAt < o) o = s.sentAt;
    return o;
  }

  clear(): void {
    this.byWire.clear();
  }
}
