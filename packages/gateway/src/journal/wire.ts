import type { WireEpoch } from "./cursor.ts";

/**
 * The seq the brain knows a journal batch by. Normally the journal's own seq; after a SEQ_CONFLICT
 * the unsent batches are renumbered above the brain's last seq by a new epoch (an offset from a
 * local seq on), persisted before any batch is sent under it. Offsets only grow, so wire seqs
 * stay strictly increasing in local order.
 */
export function wireSeq(epochs: readonly WireEpoch[], local: number): number {
  let offset = 0;
  for (const e of epochs) if (local >= e.from) offset = e.offset;
  return local + offset;
}

/** The epoch that makes `local` go out as `wire` (never lowering any later wire seq). */
export function renumberEpoch(epochs: readonly WireEpoch[], local: number, wire: number): WireEpoch {
  const offset = Math.max(wire - local, wireSeq(epochs, local) - local + 1);
  return { from: local, offset };
}
