import { isWeftError } from "@weft/core";
import { describe, expect, it } from "vitest";
import { parsePointsCsv } from "./csv.ts";

describe("parsePointsCsv", () => {
  it("imports a register map with aliases, orders and scales", () => {
    const points = parsePointsCsv(
      [
        "id,area,address,type,order,scale,unit,bit",
        "# comment line",
        "counter,input register,2,uint32,cdab,,cycles,",
        "temp,IR,6,INT16,,0.1,°C,",
        "estop,di,0,bool,,,,",
        "door,hr,20,bool,,,,3",
      ].join("\n"),
    );
    expect(points).toEqual([
      { id: "counter", area: "input", address: 2, type: "uint32", order: "CDAB", unit: "cycles" },
      { id: "temp", area: "input", address: 6, type: "int16", scale: 0.1, unit: "°C" },
      { id: "estop", area: "discrete", address: 0, type: "bool" },
      { id: "door", area: "holding", address: 20, type: "bool", bit: 3 },
    ]);
  });
  it("names the row, point and column of a bad row", () => {
    try {
      parsePointsCsv("id,area,address,type\nok,input,1,uint16\nbad,input,2,float16\n", "robot.csv");
      expect.unreachable();
    } catch (e) {
      expect(isWeftError(e, "CONFIG_INVALID")).toBe(true);
      if (!isWeftError(e)) return;
      expect(e.field).toBe("robot.csv: row 3.type");
      expect(e.message).toContain('point "bad"');
    }
  });
});
