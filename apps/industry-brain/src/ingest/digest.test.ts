import type { BatchReading } from "@weft/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readingsDigest } from "./digest.ts";

const reading = fc.record({
  machine: fc.constantFrom("m1", "m2"),
  point: fc.string({ minLength: 1, maxLength: 8 }),
  ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  value: fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string(),
    fc.boolean(),
    fc.constant(null),
  ),
  quality: fc.constantFrom("good" as const, "uncertain" as const, "bad" as const),
});

const hex = (d: Uint8Array) => Buffer.from(d).toString("hex");

describe("readingsDigest", () => {
  it("is the same for the same readings whatever their key order, and 16 bytes", () => {
    fc.assert(
      fc.property(fc.array(reading, { minLength: 1, maxLength: 20 }), (rs) => {
        // the same fields, inserted in reverse order
        const reordered = rs.map(
          (r) => Object.fromEntries(Object.entries(r).reverse()) as unknown as BatchReading,
        );
        expect(hex(readingsDigest(rs))).toBe(hex(readingsDigest(reordered)));
        expect(readingsDigest(rs)).toHaveLength(16);
      }),
    );
  });

  it("changes when any stored field of any reading changes", () => {
    const base: BatchReading[] = [
      { machine: "m1", point: "a", ts: 1000, value: 1, quality: "good" },
      { machine: "m1", point: "b", ts: 1000, value: "x", quality: "good", signal: "state" },
    ];
    const d0 = hex(readingsDigest(base));
    const variants: Partial<BatchReading>[] = [
      { machine: "m2" },
      { point: "c" },
      { ts: 1001 },
      { value: 2 },
      { value: "1" },
      { quality: "bad" },
      { status: "Bad" },
    ];
    for (const v of variants)
      expect(hex(readingsDigest([{ ...(base[0] as BatchReading), ...v }, base[1] as BatchReading]))).not.toBe(
        d0,
      );
    expect(hex(readingsDigest(base, 0, 1))).not.toBe(d0);
  });
});
