import fc from "fast-check";
import { DataType, LocalizedText, Variant, VariantArrayType, type VariantOptions } from "node-opcua";
import { describe, expect, it } from "vitest";
import { int64ToString, toInt64Pair, valueToVariant, variantToValue } from "./datatype.ts";

const v = (o: VariantOptions) => variantToValue(new Variant(o));

describe("Variant → JSON-safe value", () => {
  it("maps scalars", () => {
    expect(v({ dataType: DataType.Boolean, value: true }).value).toBe(true);
    expect(v({ dataType: DataType.Int16, value: -7 }).value).toBe(-7);
    expect(v({ dataType: DataType.UInt32, value: 4294967295 }).value).toBe(4294967295);
    expect(v({ dataType: DataType.Float, value: 1.5 }).value).toBe(1.5);
    expect(v({ dataType: DataType.String, value: "Running" }).value).toBe("Running");
    expect(v({ dataType: DataType.DateTime, value: new Date(Date.UTC(2026, 0, 2)) }).value).toBe(
      "2026-01-02T00:00:00.000Z",
    );
    expect(v({ dataType: DataType.LocalizedText, value: new LocalizedText({ text: "Weft" }) }).value).toBe(
      "Weft",
    );
    expect(v({ dataType: DataType.ByteString, value: Buffer.from([1, 2, 3]) }).value).toBe("AQID");
    expect(v({ dataType: DataType.Null, value: null }).value).toBeNull();
  });

  it("keeps Int64/UInt64 exact as decimal strings", () => {
    expect(
      v({ dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xffffffff] })
        .value,
    ).toBe("18446744073709551615");
    expect(
      v({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xffffffff] })
        .value,
    ).toBe("-1");
    expect(
      v({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0x80000000, 0] }).value,
    ).toBe("-9223372036854775808");
  });

  it("round-trips every 64-bit integer through [high, low]", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (n) => {
        expect(int64ToString(toInt64Pair(n, true), true)).toBe(n.toString());
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        expect(int64ToString(toInt64Pair(n.toString(), false), false)).toBe(n.toString());
      }),
    );
    expect(() => toInt64Pair("18446744073709551616", false)).toThrow(/out of range/);
  });

  it("maps arrays, matrices and non-finite numbers", () => {
    expect(
      v({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: new Float64Array([1, 2]) })
        .value,
    ).toEqual([1, 2]);
    expect(
      v({
        dataType: DataType.Int32,
        arrayType: VariantArrayType.Matrix,
        dimensions: [2, 3],
        value: new Int32Array([1, 2, 3, 4, 5, 6]),
      }).value,
    ).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const nan = v({ dataType: DataType.Double, value: Number.NaN });
    expect(nan).toEqual({ value: null, problem: "non-finite value NaN" });
  });

  it("turns structures into plain JSON", () => {
    const eu = { namespaceUri: "x", unitId: 5, displayName: { text: "kWh", locale: null } };
    const out = variantToValue({
      dataType: DataType.ExtensionObject,
      arrayType: VariantArrayType.Scalar,
      value: eu,
      dimensions: null,
    });
    expect(out.value).toEqual({ namespaceUri: "x", unitId: 5, displayName: { text: "kWh", locale: null } });
  });

  it("any finite double survives the mapping unchanged", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(v({ dataType: DataType.Double, value: d }).value).toBe(d);
      }),
    );
  });
});

describe("JSON → Variant for writes", () => {
  it("checks ranges and types, naming the type", () => {
    expect(valueToVariant(255, DataType.Byte, false).value).toBe(255);
    expect(() => valueToVariant(256, DataType.Byte, false)).toThrow(/out of range for Byte/);
    expect(() => valueToVariant(1.5, DataType.Int32, false)).toThrow(/integer/);
    expect(() => valueToVariant("x", DataType.Boolean, false)).toThrow(/Boolean/);
    expect(valueToVariant("-2", DataType.Int64, false).value).toEqual([0xffffffff, 0xfffffffe]);
    expect(valueToVariant([1, 2], DataType.Double, true)).toMatchObject({
      arrayType: VariantArrayType.Array,
      value: [1, 2],
    });
    expect(() => valueToVariant(1, DataType.Double, true)).toThrow(/array/);
  });
});
