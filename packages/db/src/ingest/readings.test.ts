import type { ReadingValue } from "@weft/core";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeAll, expect, it } from "vitest";
import { describeEachDb, seedTree } from "../testing.ts";
import { qualityOf, type ReadingRow, readingValueOf } from "./encode.ts";
import { chunkRanges, insertReadings } from "./readings.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 20);

it("chunkRanges covers 0..n exactly once in order", () => {
  fc.assert(
    fc.property(fc.nat(5000), fc.integer({ min: 1, max: 700 }), (n, size) => {
      const ranges = chunkRanges(n, size);
      let next = 0;
      for (const [from, to] of ranges) {
        expect(from).toBe(next);
        expect(to - from).toBeGreaterThan(0);
        expect(to - from).toBeLessThanOrEqual(size);
        next = to;
      }
      expect(next).toBe(n);
    }),
  );
  expect(() => chunkRanges(3, 0)).toThrow(RangeError);
});

describeEachDb("insertReadings", (ctx) => {
  let machineId: number;
  beforeAll(async () => {
    machineId = (await seedTree(ctx.db)).machineIds[0] as number;
  });

  it("puts each reading in its UTC-day partition and round-trips every value kind", async () => {
    const values: ReadingValue[] = [
      1.25,
      0,
      "Running",
      'q"uo,te{}\\',
      true,
      false,
      null,
      [1, "a", null],
      { a: { b: [2] } },
    ];
    const rows: ReadingRow[] = values.map((value, i) => ({
      machineId,
      pointKey: `kind${i}`,
      ts: T0 + i * (DAY / 2) + 123,
      value,
      quality: (["good", "uncertain", "bad"] as const)[i % 3] ?? "good",
      status: i % 3 === 2 ? "BadNodeIdUnknown" : null,
      signal: i === 2 ? "state" : null,
    }));
    expect(await insertReadings(ctx.db, rows)).toBe(rows.length);
    const got = await ctx.handle.query<{
      part: string;
      point_key: string;
      ms: number;
      value_num: number | null;
      value_text: string | null;
      value_json: unknown;
      quality: number;
      status: string | null;
      signal: string | null;
    }>(sql`select tableoid::regclass::text as part, point_key, (extract(epoch from ts) * 1000)::float8 as ms,
             value_num, value_text, value_json, quality, status, signal
           from readings where point_key like 'kind%' order by ts`);
    expect(got).toHaveLength(rows.length);
    got.forEach((g, i) => {
      const r = rows[i] as ReadingRow;
      const day = new Date(r.ts).toISOString().slice(0, 10).replaceAll("-", "");
      expect(g.part).toBe(`readings_p${day}`);
      expect(Number(g.ms)).toBe(r.ts);
      expect(
        readingValueOf({ valueNum: g.value_num, valueText: g.value_text, valueJson: g.value_json }),
      ).toEqual(r.value);
      expect(qualityOf(g.quality)).toBe(r.quality);
      expect(g.status).toBe(r.status ?? null);
      expect(g.signal).toBe(r.signal ?? null);
    });
  });

  it("never loses or duplicates rows, whatever the chunk size (property)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ dt: fc.nat(3 * DAY), v: fc.double({ noNaN: true, noDefaultInfinity: true }) }), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 120 }),
        async (items, chunkSize) => {
          const key = `prop${run++}`;
          const rows: ReadingRow[] = items.map((it, i) => ({
            machineId,
            pointKey: key,
            ts: T0 + it.dt,
            value: i,
            quality: "good",
          }));
          expect(await insertReadings(ctx.db, rows, { chunkSize })).toBe(rows.length);
          const got = await ctx.handle.query<{ v: number }>(
            sql`select value_num as v from readings where point_key = ${key} order by value_num`,
          );
          expect(got.map((g) => g.v)).toEqual(rows.map((_, i) => i));
        },
      ),
      { numRuns: 25 },
    );
  });

  it("round-trips arbitrary strings and JSON values exactly (property)", async () => {
    const nul = (x: string) => x.replaceAll("\u0000", "");
    const str = fc.oneof(
      fc.string({ unit: "binary-ascii" }),
      fc.string({ unit: "grapheme" }),
      fc.constantFrom("NULL", "null", "", " a ", '{"a":1}', "\\"),
    );
    const value = fc.oneof(
      str,
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
      fc.boolean(),
      fc.constant(null),
      fc
        .jsonValue({ maxDepth: 2 })
        .map(
          (j) =>
            JSON.parse(JSON.stringify(j, (_k, v) => (typeof v === "string" ? nul(v) : v))) as ReadingValue,
        ),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(value, fc.option(str)), { maxLength: 40 }), async (items) => {
        const key = `rt${run++}`;
        const rows: ReadingRow[] = items.map(([v, status], i) => ({
          machineId,
          pointKey: key,
          ts: T0 + i,
          value: v,
          quality: "bad",
          status,
        }));
        await insertReadings(ctx.db, rows);
        const got = await ctx.handle.query<{
          value_num: number | null;
          value_text: string | null;
          value_json: unknown;
          status: string | null;
        }>(
          sql`select value_num, value_text, value_json, status from readings where point_key = ${key} order by ts`,
        );
        expect(got).toHaveLength(rows.length);
        got.forEach((g, i) => {
          const [v, status] = items[i] as [ReadingValue, string | null];
          const want = typeof v === "string" ? nul(v) : v;
          expect(
            readingValueOf({ valueNum: g.value_num, valueText: g.value_text, valueJson: g.value_json }),
          ).toEqual(want);
          expect(g.status).toBe(status === null ? null : nul(status));
        });
      }),
      { numRuns: 30 },
    );
  });

  it("keeps machine, point, signal, quality and status of every row when series repeat and mix (property)", async () => {
    const tree = await seedTree(ctx.db, { prefix: "mix", machines: 3 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            m: fc.nat(2),
            p: fc.constantFrom("State", "Total", "Ünïcode 点"),
            g: fc.constantFrom(null, "state", "totalCount"),
            q: fc.constantFrom("good" as const, "uncertain" as const, "bad" as const),
            v: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.constant(null)),
            s: fc.option(fc.constantFrom("BadNodeIdUnknown", "x")),
          }),
          { minLength: 1, maxLength: 200 },
        ),
        fc.integer({ min: 1, max: 50 }),
        async (items, chunkSize) => {
          // Its own days and machines: other tests of this file write readings too.
          const t0 = T0 + DAY * 10 + run++ * 1_000_000;
          const rows: ReadingRow[] = items.map((it, i) => ({
            machineId: tree.machineIds[it.m] as number,
            pointKey: it.p,
            signal: it.g,
            ts: t0 + i,
            value: Object.is(it.v, -0) ? 0 : it.v,
            quality: it.q,
            status: it.s,
          }));
          await insertReadings(ctx.db, rows, { chunkSize });
          const got = await ctx.handle.query<{
            machine_id: number;
            point_key: string;
            signal: string | null;
            quality: number;
            status: string | null;
            value_num: number | null;
            value_text: string | null;
            value_json: unknown;
          }>(
            sql`select machine_id, point_key, signal, quality, status, value_num, value_text, value_json from readings
                where ts >= to_timestamp(${t0} / 1000.0) and ts < to_timestamp(${t0 + rows.length} / 1000.0)
                  and machine_id = any(${sql.param(tree.machineIds)}::int4[]) order by ts`,
          );
          expect(
            got.map((g) => [
              g.machine_id,
              g.point_key,
              g.signal,
              qualityOf(g.quality),
              g.status,
              readingValueOf({ valueNum: g.value_num, valueText: g.value_text, valueJson: g.value_json }),
            ]),
          ).toEqual(rows.map((r) => [r.machineId, r.pointKey, r.signal, r.quality, r.status, r.value]));
        },
      ),
      { numRuns: 20 },
    );
  });

  it("sends rows without a daily partition to readings_default", async () => {
    await insertReadings(
      ctx.db,
      [{ machineId, pointKey: "nopart", ts: Date.UTC(2031, 0, 1), value: 1, quality: "good" }],
      {
        ensurePartitions: false,
      },
    );
    const [r] = await ctx.handle.query<{ part: string }>(
      sql`select tableoid::regclass::text as part from readings where point_key = 'nopart'`,
    );
    expect(r?.part).toBe("readings_default");
  });
});
