import { describe, expect, it } from "vitest";
import { completeCreditCode } from "../seed/demo.ts";
import type { CoverageReport } from "./compute.ts";
import { coverageTable, type ExportLocale, localTime } from "./export.ts";
import { validateImport } from "./import.ts";

const enterprise = (i: number, over: Record<string, unknown> = {}) => ({
  id: i,
  key: `ent-${i}`,
  parkId: 1,
  name: `台州测试企业${i}有限公司`,
  nameEn: i % 2 ? `Test Co. ${i}` : null,
  creditCode: completeCreditCode(["91331004MA2K7C3B1", "91331004MA2H3N8P4"][i] ?? ""),
  industryCode: "C2311",
  aboveScale: i % 2 === 1,
  declaredMachines: 3 + i,
  createdAt: new Date(),
  registeredMachines: 0,
  coverage: { covered: false, missing: ["connectivity"], items: [] },
  connectedMachines: 1,
  lastDataAt: "2026-12-05T08:05:00.000Z",
  industryName: null,
  ...over,
});

const report = {
  parks: [{ id: 1, key: "luqiao", name: "路桥园区", nameEn: "Luqiao Park" }],
  enterprises: [enterprise(0), enterprise(1)],
} as unknown as CoverageReport;

describe("coverage export → import", () => {
  for (const loc of ["zh-CN", "en"] as ExportLocale[]) {
    it(`re-imports a ${loc} export unchanged`, () => {
      const table = coverageTable(report, loc).map((r) => r.map((c) => (c === null ? "" : String(c))));
      const ctx = {
        parks: new Map([
          ["路桥园区", 1],
          ["Luqiao Park", 1],
        ]),
        defaultParkId: null,
        existingCreditCodes: new Set<string>(),
        existingKeys: new Set<string>(),
      };
      const r = validateImport(table, ctx);
      expect(r.fileIssues).toEqual([]);
      expect(r.rows.flatMap((x) => x.issues)).toEqual([]);
      expect(r.invalid).toBe(0);
      const back = r.rows.map((x) => x.values);
      expect(back).toMatchObject(
        report.enterprises.map((e) => ({
          name: e.name,
          nameEn: e.nameEn,
          creditCode: e.creditCode,
          industryCode: e.industryCode,
          aboveScale: e.aboveScale,
          declaredMachines: e.declaredMachines,
          key: e.key,
          parkId: 1,
        })),
      );
    });
  }

  it("writes times in the city's zone with the offset, not bare UTC", () => {
    expect(localTime("2026-12-05T08:05:00.000Z", "Asia/Shanghai")).toBe("2026-12-05 16:05:00+08:00");
    expect(localTime(null, "Asia/Shanghai")).toBe("");
  });
});
