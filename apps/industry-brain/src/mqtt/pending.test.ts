import { partsProblem } from "@weft/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PendingDeliveries } from "./pending.ts";

const reading = (key: number, i: number) => ({
  machine: "m",
  point: `p${i}`,
  ts: 1_700_000_000_000 + key,
  value: i,
  quality: "good" as const,
});

describe("pending deliveries", () => {
  it("merge into one batch with ascending parts that describe the readings, each key once (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.nat({ max: 50 }), n: fc.integer({ min: 1, max: 5 }) }), {
          minLength: 1,
        }),
        (ds) => {
          const p = new PendingDeliveries();
          const first = new Map<number, number>();
          for (const d of ds) {
            const added = p.add({
              key: d.key,
              readings: Array.from({ length: d.n }, (_, i) => reading(d.key, i)),
            });
            expect(added).toBe(!first.has(d.key));
            if (!first.has(d.key)) first.set(d.key, d.n);
          }
          const taken = p.take("gw");
          expect(taken?.keys).toEqual([...first.keys()].sort((a, b) => a - b));
          const b = taken?.batch;
          expect(b && partsProblem(b.seq, b.parts, b.readings.length)).toBeNull();
          expect(b?.parts?.map((x) => x.count)).toEqual(taken?.keys.map((k) => first.get(k)));
          expect(p.take("gw")).toBeNull();
        },
      ),
    );
  });
});
