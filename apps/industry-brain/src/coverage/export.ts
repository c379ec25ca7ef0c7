import { zoneOffsetMs } from "@weft/kpi";
import ExcelJS from "exceljs";
import type { CoverageReport } from "./compute.ts";
import { neutralizeCell, toCsv } from "./csv.ts";
import type { ItemResult } from "./evaluate.ts";
import { ENTERPRISE_ITEMS, type EnterpriseItem } from "./rules.ts";

export type ExportLocale = "zh-CN" | "en";

export const ITEM_LABEL: Record<ExportLocale, Record<EnterpriseItem, string>> = {
  "zh-CN": {
    identity: "身份信息",
    connectivity: "设备联网率",
    liveData: "实时数据",
    kpiFeed: "KPI数据",
    energy: "能耗监测",
    monthlyReport: "月度经营数据",
    cloud: "上云",
    digitalLevel: "数字化水平",
  },
  en: {
    identity: "Identity",
    connectivity: "Device connectivity",
    liveData: "Live data",
    kpiFeed: "KPI feed",
    energy: "Energy monitoring",
    monthlyReport: "Monthly operating data",
    cloud: "Cloud adoption",
    digitalLevel: "Digital level",
  },
};

/**
 * Headers as the import names them (企业名称, 申报设备数), so an export re-imports unchanged; the
 * derived columns (covered, missing, connected, last data, checklist items) are ones the import
 * knows and skips.
 */
export const HEAD: Record<ExportLocale, string[]> = {
  "zh-CN": [
    "园区",
    "企业名称",
    "统一社会信用代码",
    "行业代码",
    "已覆盖",
    "缺失项",
    "联网设备",
    "申报设备数",
    "最近数据",
  ],
  en: [
    "Park",
    "Enterprise",
    "Credit code",
    "Industry",
    "Covered",
    "Missing",
    "Connected machines",
    "Declared machines",
    "Last data",
  ],
};

/** Identity columns after the checklist, so the import gets every field back. */
export const TAIL: Record<ExportLocale, string[]> = {
  "zh-CN": ["规上", "英文名称", "企业标识"],
  en: ["Above scale", "English name", "Key"],
};

/** A time in the city's zone with its offset, e.g. 2026-12-05 16:05:00+08:00 (never bare UTC). */
export function localTime(iso: string | null, timeZone: string): string {
  if (!iso) return "";
  const at = new Date(iso).getTime();
  const off = zoneOffsetMs(at, timeZone);
  const local = new Date(at + off).toISOString().slice(0, 19).replace("T", " ");
  const sign = off < 0 ? "-" : "+";
  const m = Math.abs(off) / 60_000;
  return `${local}${sign}${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
}

const WORD: Record<
  ExportLocale,
  { yes: string; no: string; measured: string; declared: string; none: string }
> = {
  "zh-CN": { yes: "是", no: "否", measured: "实测", declared: "申报", none: "未申报" },
  en: { yes: "yes", no: "no", measured: "measured", declared: "declared", none: "not declared" },
};

/** An item cell: `✓ measured`, `✗ declared (张三 2026-11-20)`, always saying which. */
function itemCell(r: ItemResult | undefined, loc: ExportLocale): string {
  if (!r) return "";
  const w = WORD[loc];
  const mark = r.ok ? "✓" : "✗";
  const src = w[r.source];
  const d = r.declaration;
  return d
    ? `${mark} ${src} (${d.declaredBy ?? "?"} ${d.declaredAt.toISOString().slice(0, 10)})`
    : `${mark} ${src}`;
}

/** The coverage table: one row per enterprise, one column per checklist item. */
export function coverageTable(
  report: CoverageReport,
  loc: ExportLocale,
  timeZone = "Asia/Shanghai",
): (string | number | null)[][] {
  const parks = new Map(report.parks.map((p) => [p.id, p]));
  const head = [...HEAD[loc], ...ENTERPRISE_ITEMS.map((i) => ITEM_LABEL[loc][i]), ...TAIL[loc]];
  const rows = report.enterprises.map((e) => {
    const park = parks.get(e.parkId);
    const byItem = new Map(e.coverage.items.map((i) => [i.item, i]));
    return [
      (loc === "en" ? park?.nameEn : null) ?? park?.name ?? "",
      e.name,
      e.creditCode,
      e.industryCode,
      e.coverage.covered ? WORD[loc].yes : WORD[loc].no,
      e.coverage.missing.map((m) => ITEM_LABEL[loc][m]).join("; "),
      e.connectedMachines,
      e.declaredMachines,
      localTime(e.lastDataAt, timeZone),
      ...ENTERPRISE_ITEMS.map((i) => itemCell(byItem.get(i), loc)),
      e.aboveScale ? WORD[loc].yes : WORD[loc].no,
      e.nameEn ?? "",
      e.key,
    ];
  });
  return [head, ...rows];
}

export interface ExportFile {
  filename: string;
  mimeType: string;
  base64: string;
}

/** The coverage table as a CSV or XLSX file, base64-encoded for a tRPC answer. */
export async function exportCoverage(
  report: CoverageReport,
  format: "csv" | "xlsx",
  loc: ExportLocale,
  stem: string,
): Promise<ExportFile> {
  const table = coverageTable(report, loc);
  if (format === "csv") {
    return {
      filename: `${stem}.csv`,
      mimeType: "text/csv;charset=utf-8",
      base64: Buffer.from(toCsv(table)).toString("base64"),
    };
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = "Weft";
  const ws = wb.addWorksheet(loc === "en" ? "Coverage" : "覆盖率");
  // Text cells are neutralised like the CSV's: the file may be re-saved as CSV, or opened by a tool
  // that evaluates text that looks like a formula.
  for (const row of table) ws.addRow(row.map((v) => (typeof v === "string" ? neutralizeCell(v) : v)));
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: "frozen", ySplit: 1 }];
  ws.columns.forEach((c, i) => {
    c.width = i < 2 ? 28 : 16;
  });
  const buf = await wb.xlsx.writeBuffer();
  return {
    filename: `${stem}.xlsx`,
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    base64: Buffer.from(buf).toString("base64"),
  };
}
