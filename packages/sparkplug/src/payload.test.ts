import fc from "fast-check";
import { get } from "sparkplug-payload";
import { describe, expect, it } from "vitest";
import { DataType } from "./datatypes.ts";
import { decodePayload, encodePayload, type Metric } from "./payload.ts";

// Eclipse Tahu's own JavaScript codec, compiled from the official sparkplug_b.proto: an
// independent decoder (and encoder) to hold ours against.
const tahu = get("spBv1.0");
if (!tahu) throw new Error("sparkplug-payload has no spBv1.0 codec");

const num = (v: unknown) =>
  typeof v === "object" && v !== null && "toNumber" in v ? (v as { toNumber(): number }).toNumber() : v;

describe("Sparkplug B payload", () => {
  it("is read by Tahu's decoder as written: names, aliases, datatypes, values, properties", () => {
    const bytes = encodePayload({
      timestamp: 1_700_000_000_123,
      seq: 7,
      metrics: [
        { name: "bdSeq", datatype: DataType.Int64, value: 3 },
        { name: "speed", alias: 4, timestamp: 1_700_000_000_000, datatype: DataType.Double, value: 12.5 },
        { name: "count", alias: 5, datatype: DataType.Int32, value: -2 },
        { name: "label", alias: 6, datatype: DataType.String, value: "ok", isHistorical: true },
        { name: "off", alias: 7, datatype: DataType.Boolean, value: null },
        {
          name: "temp",
          alias: 8,
          datatype: DataType.Float,
          value: 1.5,
          properties: {
            engUnit: { type: DataType.String, value: "°C" },
            Quality: { type: DataType.Int32, value: 192 },
          },
        },
      ],
    });
    const t = tahu.decodePayload(bytes);
    expect(num(t.timestamp)).toBe(1_700_000_000_123);
    expect(num(t.seq)).toBe(7);
    const byName = new Map(t.metrics?.map((m) => [m.name, m]));
    expect(num(byName.get("bdSeq")?.value)).toBe(3);
    expect(byName.get("speed")).toMatchObject({ type: "Double", value: 12.5 });
    expect(num(byName.get("speed")?.alias)).toBe(4);
    expect(num(byName.get("speed")?.timestamp)).toBe(1_700_000_000_000);
    expect(byName.get("count")).toMatchObject({ type: "Int32", value: -2 });
    expect(byName.get("label")).toMatchObject({ type: "String", value: "ok", isHistorical: true });
    expect(byName.get("off")).toMatchObject({ type: "Boolean", value: null });
    expect(byName.get("temp")?.properties?.engUnit).toMatchObject({ type: "String", value: "°C" });
    expect(byName.get("temp")?.properties?.Quality).toMatchObject({ type: "Int32", value: 192 });
  });

  it("reads what Tahu's encoder writes, signed integers included", () => {
    const bytes = tahu.encodePayload({
      timestamp: 1_700_000_000_999,
      seq: 255,
      metrics: [
        { name: "i64", alias: 9, type: "Int64", value: -5 },
        { name: "u64", alias: 10, type: "UInt64", value: 2 ** 40 },
        { name: "s", alias: 11, type: "String", value: "héllo" },
        { name: "b", alias: 12, type: "Boolean", value: true },
      ],
    });
    const p = decodePayload(bytes);
    expect(p.timestamp).toBe(1_700_000_000_999);
    expect(p.seq).toBe(255);
    expect(p.metrics.map((m) => [m.name, m.alias, m.value])).toEqual([
      ["i64", 9, -5],
      ["u64", 10, 2 ** 40],
      ["s", 11, "héllo"],
      ["b", 12, true],
    ]);
  });

  it("keeps 64-bit integers past 2^53 exact as bigint", () => {
    const big = 2n ** 63n - 1n;
    const p = decodePayload(
      encodePayload({ metrics: [{ name: "x", datatype: DataType.Int64, value: -big }] }),
    );
    expect(p.metrics[0]?.value).toBe(-big);
  });

  it("round-trips any metric list (property)", () => {
    const metric: fc.Arbitrary<Metric> = fc
      .record(
        {
          name: fc.string({ minLength: 1, maxLength: 20 }),
          alias: fc.nat({ max: 1_000_000 }),
          timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
          isHistorical: fc.constant(true),
        },
        { requiredKeys: ["alias"] },
      )
      .chain((m) =>
        // Tahu's decoder reads a value by its datatype, as a host does from the alias table.
        fc
          .oneof(
            fc.record({
              datatype: fc.constant(DataType.Double as number),
              value: fc.double({ noNaN: true }),
            }),
            fc.record({
              datatype: fc.constant(DataType.String as number),
              value: fc.string({ maxLength: 30 }),
            }),
            fc.record({ datatype: fc.constant(DataType.Boolean as number), value: fc.boolean() }),
            fc.record({ datatype: fc.constant(DataType.Double as number), value: fc.constant(null) }),
          )
          .map((v) => ({ ...m, ...v })),
      );
    fc.assert(
      fc.property(fc.array(metric, { maxLength: 30 }), fc.nat({ max: 255 }), (metrics, seq) => {
        const back = decodePayload(encodePayload({ timestamp: 1, seq, metrics }));
        expect(back.seq).toBe(seq);
        expect(back.metrics).toEqual(metrics.map((m) => (Object.is(m.value, -0) ? { ...m, value: -0 } : m)));
        const t = tahu.decodePayload(encodePayload({ timestamp: 1, seq, metrics }));
        expect(t.metrics?.map((m) => (m.isNull ? null : m.value))).toEqual(metrics.map((m) => m.value));
      }),
    );
  });
});
