import fc from "fast-check";
import { StatusCodes } from "node-opcua";
import { describe, expect, it } from "vitest";
import { mapStatus, qualityOf } from "./quality.ts";

describe("status code → quality", () => {
  it("maps by severity bits and keeps the name", () => {
    expect(mapStatus(StatusCodes.Good)).toEqual({ quality: "good" });
    expect(mapStatus(StatusCodes.BadNodeIdUnknown)).toEqual({ quality: "bad", status: "BadNodeIdUnknown" });
    expect(mapStatus(StatusCodes.UncertainLastUsableValue)).toEqual({
      quality: "uncertain",
      status: "UncertainLastUsableValue",
    });
    expect(mapStatus(StatusCodes.GoodClamped)).toEqual({ quality: "good", status: "GoodClamped" });
    expect(mapStatus(StatusCodes.BadCommunicationError)).toMatchObject({ quality: "bad" });
  });

  it("is total over every 32-bit code and agrees with the top two bits", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (code) => {
        const q = qualityOf(code);
        const top = code >>> 30;
        expect(q).toBe(top === 0 ? "good" : top === 1 ? "uncertain" : "bad");
        const m = mapStatus({ value: code, name: "" });
        expect(m.quality).toBe(q);
        if (code !== 0) expect(m.status).toMatch(/^0x[0-9a-f]{8}$/);
      }),
    );
  });
});
