import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { float32Text, formatProbe, type ProbeResult } from "./probe.ts";

describe("probe output", () => {
  it("prints a float32 with every digit it holds and nothing more, reading back exactly", () => {
    expect(float32Text(Math.fround(12.3))).toBe("12.3");
    expect(float32Text(Math.fround(1234.5678))).toBe("1234.5677");
    expect(float32Text(Math.fround(1e-39))).toBe("1e-39");
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
        expect(Math.fround(Number(float32Text(f)))).toBe(f === 0 ? 0 : f);
      }),
    );
  });

  it("prints a float64 at full precision (no 7-digit rounding)", () => {
    const r: ProbeResult = {
      connection: "tcp://h:502",
      unitId: 1,
      area: "holding",
      address: 0,
      addressBase: 0,
      registers: [],
      pairs: [],
      quads: [
        {
          address: 0,
          int64: { ABCD: "1", CDAB: "2", BADC: "3", DCBA: "4" },
          uint64: { ABCD: "1", CDAB: "2", BADC: "3", DCBA: "4" },
          float64: { ABCD: 123456.789012345, CDAB: 0.1, BADC: -2.5, DCBA: 1e300 },
        },
      ],
    };
    expect(formatProbe(r)).toContain("123456.789012345 / 0.1 / -2.5 / 1e+300");
  });
});
