import { describe, expect, it } from "vitest";
import { applyScaling, DeadbandFilter, PointBase, removeScaling } from "./points.ts";

describe("point schema and scaling", () => {
  it("validates the shared fields", () => {
    expect(PointBase.safeParse({ id: "t", scale: 0 }).success).toBe(false);
    expect(PointBase.safeParse({ id: "", unit: "°C" }).success).toBe(false);
    expect(PointBase.parse({ id: "t", scale: 0.1, offset: -40, deadband: 0.5 })).toEqual({
      id: "t",
      scale: 0.1,
      offset: -40,
      deadband: 0.5,
    });
  });
  it("scales without binary noise and inverts", () => {
    expect(applyScaling(215, { scale: 0.1 })).toBe(21.5);
    expect(applyScaling(100, { scale: 0.1, offset: -40 })).toBe(-30);
    expect(applyScaling("x", { scale: 2 })).toBe("x");
    expect(removeScaling(-30, { scale: 0.1, offset: -40 })).toBeCloseTo(100);
  });
  it("deadband drops small moves, never a quality change", () => {
    const f = new DeadbandFilter();
    expect(f.accept("p", 1, 10, "good")).toBe(true);
    expect(f.accept("p", 1, 10.5, "good")).toBe(false);
    expect(f.accept("p", 1, 11, "good")).toBe(true);
    expect(f.accept("p", 1, 11, "bad")).toBe(true);
    expect(f.accept("q", undefined, 1, "good")).toBe(true);
    expect(f.accept("q", undefined, 1, "good")).toBe(true);
  });
});
