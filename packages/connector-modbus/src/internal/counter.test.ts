import { describe, expect, it } from "vitest";
import { ModbusPoint } from "../config.ts";
import { counterOf, resolvePoint } from "./plan.ts";

describe("a Modbus point's counter width", () => {
  it("comes from its unsigned type when unscaled", () => {
    expect(counterOf({}, "uint16")).toEqual({ bits: 16 });
    expect(counterOf({}, "uint32")).toEqual({ bits: 32 });
    expect(counterOf({}, "uint64")).toEqual({ bits: 64 });
    expect(counterOf({}, "int16")).toBeUndefined();
    expect(counterOf({}, "float32")).toBeUndefined();
    expect(counterOf({ scale: 0.1 }, "uint16")).toBeUndefined();
  });

  it("a configured width wins (a 6-digit decimal counter in a uint32)", () => {
    const p = ModbusPoint.parse({
      id: "sheets",
      area: "holding",
      address: 10,
      type: "uint32",
      counter: { max: 999_999 },
    });
    expect(resolvePoint(p, 0).counter).toEqual({ max: 999_999 });
    // The default type of a register point is uint16.
    expect(resolvePoint(ModbusPoint.parse({ id: "c", area: "input", address: 0 }), 0).counter).toEqual({
      bits: 16,
    });
  });

  it("a bad width is refused naming the field", () => {
    const r = ModbusPoint.safeParse({ id: "c", area: "holding", address: 0, counter: { bits: 24 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path[0]).toBe("counter");
  });
});
