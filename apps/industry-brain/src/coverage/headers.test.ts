import { describe, expect, it } from "vitest";
import { didYouMean } from "./headers.ts";
import { IMPORT_COLUMNS, type ImportContext, validateImport } from "./import.ts";

const NAMES = Object.values(IMPORT_COLUMNS).map((a) => a[0]);
const CTX: ImportContext = {
  existingCreditCodes: new Set<string>(),
  existingKeys: new Set<string>(),
  parks: new Map([["p1", 1]]),
  defaultParkId: 1,
};

describe("import headers", () => {
  it("names the column a near-miss header meant", () => {
    expect(didYouMean("规上企业", NAMES)).toBe("规上");
    expect(didYouMean("申报设备", NAMES)).toBe("申报设备数");
    expect(didYouMean("企业名", NAMES)).toBe("企业名称");
    expect(didYouMean("备注", NAMES)).toBeNull();
  });

  it("refuses a file with an unknown column instead of importing 0 declared machines", () => {
    const r = validateImport(
      [
        ["企业名称", "统一社会信用代码", "行业代码", "规上企业", "申报设备"],
        ["台州测试印务有限公司", "91331004MA2K7C3B1X", "C2311", "是", "4"],
      ],
      CTX,
    );
    expect(r.fileIssues).toEqual([
      { problem: "unknown-columns", detail: "规上企业 → 规上, 申报设备 → 申报设备数" },
    ]);
    expect(r.rows).toEqual([]);
  });
});
