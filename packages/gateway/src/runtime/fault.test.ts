import { describe, expect, it } from "vitest";
import { faultPlanFromEnv } from "./fault.ts";

describe("WEFT_FAULT_AT (test only)", () => {
  it("names a step of the acknowledge path and the how-manyth time to stop there", () => {
    expect(faultPlanFromEnv({})).toBeNull();
    expect(faultPlanFromEnv({ WEFT_FAULT_AT: "after-commit" })).toEqual({ step: "after-commit", at: 5 });
    expect(faultPlanFromEnv({ WEFT_FAULT_AT: "before-cursor-write:2" })).toEqual({
      step: "before-cursor-write",
      at: 2,
    });
    expect(faultPlanFromEnv({ WEFT_FAULT_AT: "before-send:1", WEFT_FAULT_ARMED_BY: "/tmp/x" })).toEqual({
      step: "before-send",
      at: 1,
      armedBy: "/tmp/x",
    });
    expect(() => faultPlanFromEnv({ WEFT_FAULT_AT: "after-lunch" })).toThrow(/one of before-send/);
    expect(() => faultPlanFromEnv({ WEFT_FAULT_AT: "before-send:0" })).toThrow(/integer ≥ 1/);
  });
});
