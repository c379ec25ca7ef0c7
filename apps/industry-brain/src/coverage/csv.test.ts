import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FORMULA_TRIGGER, parseCsv, toCsv } from "./csv.ts";

describe("csv", () => {
  it("parses quotes, commas, CRLF and a BOM", () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, ""y""",z\n\n')).toEqual([
      ["a", "b"],
      ['x, "y"', "z"],
    ]);
  });
  it("round-trips any table of safe strings (property)", () => {
    const cell = fc.string().filter((s) => !FORMULA_TRIGGER.test(s));
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (t) => {
          const rows = t.filter((r) => r.some((f) => f.trim() !== ""));
          expect(parseCsv(toCsv(rows))).toEqual(rows);
        },
      ),
    );
  });
  it("defuses formula injection", () => {
    expect(toCsv([["=1+1"]])).toContain("'=1+1");
  });
});
