import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shortestFloat32 } from "./readings.ts";

describe("shortestFloat32", () => {
  it("is always the same float32 and never longer than the float64 text", () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
        const v = Math.fround(f);
        const r = shortestFloat32(v);
        expect(Math.fround(r)).toBe(v);
        expect(String(r).length).toBeLessThanOrEqual(String(v).length);
      }),
    );
  });
  it("drops float32 noise", () => {
    expect(shortestFloat32(Math.fround(12.8))).toBe(12.8);
    expect(shortestFloat32(Math.fround(4874.0517578125))).toBe(
      4874.0517578125 === Math.fround(4874.052) ? 4874.052 : 4874.0518,
    );
    expect(shortestFloat32(Math.fround(0.1))).toBe(0.1);
    expect(shortestFloat32(Math.fround(1e-30))).toBe(1e-30);
  });
});
