import { sql } from "drizzle-orm";
import fc from "fast-check";
import { expect, it } from "vitest";
import { describeEachDb } from "../testing.ts";
import { pgArray } from "./pg-array.ts";
import { queryRows } from "./rows.ts";

/** Lone UTF-16 surrogates become U+FFFD on the way to UTF-8. */
const wellFormed = (s: string) =>
  s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");

describeEachDb("pgArray", (ctx) => {
  const roundTrip = async (values: (string | number | null)[], type: "text" | "float8" | "int4") =>
    (
      await queryRows<{ v: string | number | null }>(
        ctx.db,
        sql`select u.v from unnest(${pgArray(values, type)}) with ordinality as u(v, i) order by u.i`,
      )
    ).map((r) => (r.v === null || type === "text" ? r.v : Number(r.v)));

  it("round-trips any strings and nulls through a text[] literal (U+0000 dropped) (property)", async () => {
    const str = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom("NULL", "null", "", " a ", '{"a":1}', "\\", '"', "a,b", "{}", "\u00a0x"),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(str), { maxLength: 30 }), async (values) => {
        const want = values.map((v) => (v === null ? null : wellFormed(v.replaceAll("\u0000", ""))));
        expect(await roundTrip(values, "text")).toEqual(want);
      }),
      { numRuns: 60 },
    );
  });

  it("round-trips finite doubles and int4s exactly (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })), { maxLength: 30 }),
        fc.array(fc.option(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 30 }),
        async (doubles, ints) => {
          const d = doubles.map((x) => (x !== null && Object.is(x, -0) ? 0 : x));
          expect(await roundTrip(d, "float8")).toEqual(d);
          expect(await roundTrip(ints, "int4")).toEqual(ints);
        },
      ),
      { numRuns: 40 },
    );
  });
});
