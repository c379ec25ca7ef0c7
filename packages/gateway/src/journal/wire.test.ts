import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { WireEpoch } from "./cursor.ts";
import { renumberEpoch, wireSeq } from "./wire.ts";

describe("wire seqs", () => {
  it("are the local seq until a renumbering, then move the rest above the brain's last seq", () => {
    expect(wireSeq([], 7)).toBe(7);
    const epochs: WireEpoch[] = [renumberEpoch([], 5, 101)];
    expect([4, 5, 6].map((l) => wireSeq(epochs, l))).toEqual([4, 101, 102]);
  });

  it("stay strictly increasing in local order through any renumberings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 1000 })), {
          maxLength: 6,
        }),
        (steps) => {
          const epochs: WireEpoch[] = [];
          let from = 0;
          for (const [delta, wire] of steps) {
            from += delta;
            epochs.push(renumberEpoch(epochs, from, wire));
          }
          for (let l = 1; l < from + 5; l++)
            expect(wireSeq(epochs, l + 1)).toBeGreaterThan(wireSeq(epochs, l));
        },
      ),
    );
  });
});
