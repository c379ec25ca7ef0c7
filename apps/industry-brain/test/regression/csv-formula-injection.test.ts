import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toCsv } from "../../src/coverage/csv.ts";
import { readTable, validateImport } from "../../src/coverage/import.ts";
import { completeCreditCode } from "../../src/seed/demo.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";

/*
 * Issue 12, case 8. Imported CSV/XLSX cells starting with = + - @ tab or CR were stored as given,
 * and the CSV export's guard missed tab and CR. OWASP's rule: such a cell gets a leading '.
 */
const TRIGGERS = ["=", "+", "-", "@", "\t", "\r"];
const PAYLOAD = "cmd|' /C calc'!A0";
const DANGEROUS = /^[=+\-@\t\r]/;

const ctx = {
  parks: new Map([["p1", 1]]),
  defaultParkId: 1,
  existingCreditCodes: new Set<string>(),
  existingKeys: new Set<string>(),
};
const code = (i: number) => completeCreditCode(`91331004MA${String(5_000_000 + i)}`);

async function xlsx(rows: string[][]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("s");
  for (const r of rows) ws.addRow(r);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe("regression: formula cells on import", () => {
  // A tab or CR is whitespace to a trimming reader: it is tried in front of another trigger too.
  const names = TRIGGERS.flatMap((c) => [`${c}${PAYLOAD}`, `${c}=${PAYLOAD}`]);
  const header = ["企业名称", "统一社会信用代码", "行业代码", "英文名称"];
  const rows = names.map((n, i) => [n, code(i), "C2311", n]);

  it("neutralises every leading trigger in a CSV file", async () => {
    const text = [header, ...rows]
      .map((r) => r.map((f) => `"${f.replaceAll('"', '""')}"`).join(","))
      .join("\r\n");
    const report = validateImport(await readTable("a.csv", new TextEncoder().encode(text)), ctx);
    expect(report.rows.length).toBe(names.length);
    for (const r of report.rows) {
      expect(r.values.name).not.toMatch(DANGEROUS);
      expect(r.values.nameEn ?? "").not.toMatch(DANGEROUS);
      expect(r.values.name).toContain(PAYLOAD);
    }
  });

  it("neutralises every leading trigger in an XLSX file", async () => {
    const report = validateImport(await readTable("a.xlsx", await xlsx([header, ...rows])), ctx);
    expect(report.rows.length).toBe(names.length);
    for (const r of report.rows) {
      expect(r.values.name).not.toMatch(DANGEROUS);
      expect(r.values.nameEn ?? "").not.toMatch(DANGEROUS);
    }
  });
});

describe("regression: formula cells on CSV export", () => {
  it("prefixes every trigger, tab and CR included", () => {
    for (const c of TRIGGERS) {
      const csv = toCsv([[`${c}1+1`]]);
      const cell = csv.replace(/^\uFEFF/, "").replace(/\r\n$/, "");
      expect([c, cell.replace(/^"|"$/g, "")]).toEqual([c, `'${c}1+1`]);
    }
  });
});

describeEachDb("regression: formula cells in exported files", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle);
    for (const [i, c] of TRIGGERS.entries()) {
      await db.handle.query(
        sql`insert into enterprises (key, park_id, name, credit_code, industry_code)
            select ${`formula-${i}`}, id, ${`${c}HYPERLINK("http://evil/")`}, ${code(100 + i)}, 'C2311'
            from parks where key = 'luqiao-print-park'`,
      );
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it("has no cell starting with a trigger in the CSV or the XLSX export", async () => {
    const admin = await t.signedIn("city-admin");
    const csv = await admin.coverage.export.query({ format: "csv", locale: "en" });
    const text = Buffer.from(csv.base64, "base64").toString("utf8");
    expect(text).toContain(`'=HYPERLINK`);
    for (const c of TRIGGERS) expect(text).toContain(`'${c}HYPERLINK`);
    const file = await admin.coverage.export.query({ format: "xlsx", locale: "en" });
    const wb = new ExcelJS.Workbook();
    const bytes = Buffer.from(file.base64, "base64");
    await wb.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const cells: string[] = [];
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (typeof cell.value === "string") cells.push(cell.value);
          expect(cell.formula ?? null).toBeNull();
        }),
      ),
    );
    const hyper = cells.filter((v) => v.includes("HYPERLINK"));
    expect(hyper.length).toBe(TRIGGERS.length);
    for (const v of hyper) expect(v).not.toMatch(DANGEROUS);
  });
});
