import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from "node-opcua";
import { describe, expect, it } from "vitest";
import { OpcuaPoint } from "../config.ts";
import { toReading } from "./readings.ts";

const dv = (dataType: DataType, value: unknown) =>
  new DataValue({
    value: new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }),
    statusCode: StatusCodes.Good,
  });

describe("an OPC UA counter's width from the node's DataType", () => {
  const point = OpcuaPoint.parse({ id: "sheets", nodeId: "ns=1;s=Sheets" });
  it("UInt16, UInt32 and UInt64 nodes tag their readings", () => {
    expect(toReading(point, dv(DataType.UInt16, 65_000), "gateway").counter).toEqual({ bits: 16 });
    expect(toReading(point, dv(DataType.UInt32, 7), "gateway").counter).toEqual({ bits: 32 });
    expect(toReading(point, dv(DataType.UInt64, [0, 7]), "gateway").counter).toEqual({ bits: 64 });
  });

  it("signed, float and scaled values carry none; a configured width wins", () => {
    expect(toReading(point, dv(DataType.Int32, 7), "gateway").counter).toBeUndefined();
    expect(toReading(point, dv(DataType.Double, 7.5), "gateway").counter).toBeUndefined();
    const scaled = OpcuaPoint.parse({ id: "kwh", nodeId: "ns=1;s=E", scale: 0.1 });
    expect(toReading(scaled, dv(DataType.UInt32, 7), "gateway").counter).toBeUndefined();
    const decimal = OpcuaPoint.parse({ id: "c", nodeId: "ns=1;s=C", counter: { max: 999_999 } });
    expect(toReading(decimal, dv(DataType.UInt32, 7), "gateway").counter).toEqual({ max: 999_999 });
  });
});
