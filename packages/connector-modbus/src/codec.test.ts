import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodePoint, decodeRegisters, decodeString } from "./decode.ts";
import { encodeRegisters } from "./encode.ts";
import { ORDERS, type Order } from "./types.ts";

const toBytes = (words: number[]) => {
  const b = Buffer.alloc(words.length * 2);
  for (const [i, w] of words.entries()) b.writeUInt16BE(w, i * 2);
  return b;
};
const order = fc.constantFrom(...ORDERS);

describe("encode → decode round-trips every type and order", () => {
  const cases = [
    ["int16", fc.integer({ min: -32768, max: 32767 })],
    ["uint16", fc.integer({ min: 0, max: 65535 })],
    ["int32", fc.integer({ min: -2147483648, max: 2147483647 })],
    ["uint32", fc.integer({ min: 0, max: 4294967295 })],
    ["float32", fc.float({ noNaN: true, noDefaultInfinity: true })],
    ["float64", fc.double({ noNaN: true, noDefaultInfinity: true })],
  ] as const;
  for (const [type, arb] of cases) {
    it(type, () => {
      fc.assert(
        fc.property(arb, order, (v, o) => {
          const words = encodeRegisters(v, type, o);
          const back = decodeRegisters(toBytes(words), 0, type, o);
          expect(Object.is(back, type === "float32" ? Math.fround(v) : v) || back === v).toBe(true);
        }),
      );
    });
  }
  it("int64 and uint64 (bigint, exact)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), order, (v, o) => {
        expect(decodeRegisters(toBytes(encodeRegisters(v, "int64", o)), 0, "int64", o)).toBe(v);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), order, (v, o) => {
        expect(decodeRegisters(toBytes(encodeRegisters(v, "uint64", o)), 0, "uint64", o)).toBe(v);
      }),
    );
  });
  it("ASCII strings over N registers", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[\x21-\x7e]{0,20}$/), order, (s, o) => {
        const words = encodeRegisters(s, "string", o, 10);
        expect(words).toHaveLength(10);
        expect(decodeString(toBytes(words), 0, 10, o)).toBe(s);
      }),
    );
  });
});

describe("the four 32-bit layouts", () => {
  // 123456.0 as float32 is 0x47F12000: bytes A=47 B=F1 C=20 D=00.
  const wire: Record<Order, number[]> = {
    ABCD: [0x47f1, 0x2000],
    CDAB: [0x2000, 0x47f1],
    BADC: [0xf147, 0x0020],
    DCBA: [0x0020, 0xf147],
  };
  for (const o of ORDERS) {
    it(`${o} decodes the device's bytes`, () => {
      expect(decodeRegisters(toBytes(wire[o]), 0, "float32", o)).toBe(123456);
      expect(encodeRegisters(123456, "float32", o)).toEqual(wire[o]);
    });
  }
  it("word order little reverses all four words of a 64-bit value", () => {
    const words = encodeRegisters(0x0102030405060708n, "uint64", "CDAB");
    expect(words).toEqual([0x0708, 0x0506, 0x0304, 0x0102]);
  });
});

describe("bits and strings", () => {
  it("extracts a bit from a register, honouring byte order", () => {
    const b = toBytes([0b1000_0000_0000_0101]);
    expect(decodePoint(b, 0, { type: "bool", order: "ABCD", bit: 0 })).toBe(true);
    expect(decodePoint(b, 0, { type: "bool", order: "ABCD", bit: 1 })).toBe(false);
    expect(decodePoint(b, 0, { type: "bool", order: "ABCD", bit: 15 })).toBe(true);
  });
  it("byte-swapped strings", () => {
    expect(decodeString(Buffer.from("BADC\0\0\0\0", "latin1"), 0, 4, "BADC")).toBe("ABCD");
  });
  it("rejects values that do not fit the type", () => {
    expect(() => encodeRegisters(70000, "uint16", "ABCD")).toThrow(/uint16/);
    expect(() => encodeRegisters(1.5, "int32", "ABCD")).toThrow(/integer/);
    expect(() => encodeRegisters(-1n, "uint64", "ABCD")).toThrow(/uint64/);
    expect(() => encodeRegisters("toolongstring", "string", "ABCD", 2)).toThrow(/at most 4/);
  });
});
