import { describe, expect, it } from "vitest";
import { isWeftError, WeftError } from "./errors.ts";
import { industryDivision } from "./industry.ts";

describe("WeftError", () => {
  it("is recognised by code, also as a plain object from another copy of the package", () => {
    const err = new WeftError("CONFIG_INVALID", "bad address", {
      field: "points[0].address",
      fix: "use 0-65535",
    });
    expect(isWeftError(err, "CONFIG_INVALID")).toBe(true);
    expect(isWeftError(err, "NOT_FOUND")).toBe(false);
    expect(isWeftError({ name: "WeftError", code: "NOT_FOUND", message: "x" }, "NOT_FOUND")).toBe(true);
    expect(isWeftError(new Error("x"))).toBe(false);
    expect(err.toJSON()).toEqual({
      code: "CONFIG_INVALID",
      message: "bad address",
      field: "points[0].address",
      fix: "use 0-65535",
    });
  });
});

describe("industryDivision", () => {
  it("rolls classes up to their division and rejects unknown codes", () => {
    expect(industryDivision("C2311")?.code).toBe("C23");
    expect(industryDivision("c21")?.en).toBe("Furniture");
    expect(industryDivision("C99")).toBeNull();
    expect(industryDivision("printing")).toBeNull();
  });
});
