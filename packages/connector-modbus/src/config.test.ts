import { isWeftError, type WeftError } from "@weft/core";
import { describe, expect, it } from "vitest";
import { modbus } from "./factory.ts";

const base = { connection: { transport: "tcp", host: "127.0.0.1", port: 5020 } };

function configError(config: unknown): WeftError {
  try {
    modbus.create(config);
  } catch (e) {
    if (isWeftError(e, "CONFIG_INVALID")) return e;
    throw e;
  }
  throw new Error("expected a CONFIG_INVALID error");
}

describe("config errors are typed and name the point and field", () => {
  it("an address past 65535", () => {
    const e = configError({ ...base, points: [{ id: "far", area: "holding", address: 70000 }] });
    expect(e.field).toBe("points[0].address");
    expect(e.message).toContain('point "far"');
  });
  it("a float32 at the last register runs past 65535", () => {
    const e = configError({
      ...base,
      points: [{ id: "edge", area: "input", address: 65535, type: "float32" }],
    });
    expect(e.field).toBe("points[0].address");
    expect(e.message).toMatch(/point "edge".*2 registers/);
  });
  it("a float32 at a single register", () => {
    const e = configError({
      ...base,
      points: [{ id: "f", area: "input", address: 4, type: "float32", length: 1 }],
    });
    expect(e.field).toBe("points[0].length");
    expect(e.message).toMatch(/point "f": float32 spans 2 registers, not 1/);
  });
  it("an unknown type", () => {
    const e = configError({
      ...base,
      points: [
        { id: "ok", area: "input", address: 1 },
        { id: "t", area: "input", address: 4, type: "float16" },
      ],
    });
    expect(e.field).toBe("points[1].type");
    expect(e.message).toMatch(/point "t".*unknown type/);
  });
  it("a gap setting larger than the block limit", () => {
    const e = configError({
      ...base,
      limits: { maxRegisters: 60, maxGapRegisters: 100 },
      points: [{ id: "a", area: "input", address: 1 }],
    });
    expect(e.field).toBe("limits.maxGapRegisters");
    expect(e.message).toMatch(/block limit maxRegisters 60/);
  });
  it("1-based addressing: address 0 is below the base", () => {
    const e = configError({ ...base, addressBase: 1, points: [{ id: "z", area: "coil", address: 0 }] });
    expect(e.field).toBe("points[0].address");
    expect(e.message).toContain("1");
  });
  it("bit extraction needs bool, coils hold only bools, strings need a length, groups must exist", () => {
    expect(
      configError({ ...base, points: [{ id: "b", area: "holding", address: 1, type: "int16", bit: 3 }] })
        .field,
    ).toBe("points[0].bit");
    expect(
      configError({ ...base, points: [{ id: "c", area: "coil", address: 1, type: "int16" }] }).field,
    ).toBe("points[0].type");
    expect(
      configError({ ...base, points: [{ id: "s", area: "holding", address: 1, type: "string" }] }).field,
    ).toBe("points[0].length");
    expect(
      configError({ ...base, points: [{ id: "g", area: "holding", address: 1, group: "fast" }] }).field,
    ).toBe("points[0].group");
    expect(
      configError({
        ...base,
        points: [
          { id: "d", area: "input", address: 1 },
          { id: "d", area: "input", address: 2 },
        ],
      }).field,
    ).toBe("points[1].id");
  });
  it("contradicting order settings", () => {
    const e = configError({
      ...base,
      points: [{ id: "o", area: "input", address: 1, type: "uint32", order: "ABCD", wordOrder: "little" }],
    });
    expect(e.field).toBe("points[0].order");
  });
  it("an unknown transport", () => {
    expect(
      configError({
        connection: { transport: "udp", host: "x" },
        points: [{ id: "a", area: "input", address: 1 }],
      }).field,
    ).toBe("connection.transport");
  });
});

describe("plans", () => {
  it("separates poll groups and areas and converts 1-based addresses", () => {
    const c = modbus.create({
      ...base,
      addressBase: 1,
      pollGroups: { slow: { intervalMs: 5000 } },
      points: [
        { id: "a", area: "holding", address: 1 },
        { id: "b", area: "holding", address: 3, type: "float32" },
        { id: "c", area: "holding", address: 10, group: "slow" },
        { id: "d", area: "coil", address: 1 },
      ],
    });
    const plan = c.plan().map((g) => ({
      name: g.name,
      intervalMs: g.intervalMs,
      blocks: g.blocks.map((b) => [b.area, b.block.start, b.block.count]),
    }));
    expect(plan).toEqual([
      {
        name: "default",
        intervalMs: 1000,
        blocks: [
          ["coil", 0, 1],
          ["holding", 0, 4],
        ],
      },
      { name: "slow", intervalMs: 5000, blocks: [["holding", 9, 1]] },
    ]);
  });
});
