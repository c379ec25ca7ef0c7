import ExcelJS from "exceljs";
import { neutralizeCell } from "../coverage/csv.ts";
import type { ExportFile } from "../coverage/export.ts";
import type { LedgerLine } from "./ledger.ts";

const HEAD = {
  "zh-CN": [
    "企业",
    "订单号",
    "客户",
    "计划数量",
    "产量",
    "良品",
    "调机废品",
    "运行废品",
    "运行工时",
    "调机工时",
    "停机工时",
    "待机工时",
    "离线工时",
    "耗电(kWh)",
    "开始",
    "结束",
    "机台",
    "机时费",
    "电费",
    "印张费",
    "超损扣减",
    "结算金额",
  ],
  en: [
    "Enterprise",
    "Order",
    "Customer",
    "Planned",
    "Produced",
    "Good",
    "Make-ready waste",
    "Running waste",
    "Running h",
    "Setup h",
    "Down h",
    "Idle h",
    "Offline h",
    "Energy (kWh)",
    "Start",
    "End",
    "Machines",
    "Machine time",
    "Energy cost",
    "Sheets",
    "Waste deduction",
    "Settlement",
  ],
} as const;

const hours = (s: number) => Math.round((s / 3600) * 100) / 100;
const when = (t: number | null) => (t === null ? null : new Date(t));

/** The ledger as an XLSX workbook for the printer's accounting (numbers stay numbers, times are dates). */
export async function exportLedger(lines: readonly LedgerLine[], loc: "zh-CN" | "en"): Promise<ExportFile> {
  const wb = new ExcelJS.Workbook();
  wb.creator = "Weft";
  const ws = wb.addWorksheet(loc === "en" ? "Job ledger" : "工单台账");
  ws.addRow([...HEAD[loc]]);
  ws.getRow(1).font = { bold: true };
  for (const l of lines) {
    const s = l.settlement;
    ws.addRow([
      neutralizeCell(l.enterpriseName),
      neutralizeCell(l.jobId),
      neutralizeCell(l.customer),
      l.plannedQty,
      l.produced,
      l.good,
      l.wasteMakeReady,
      l.wasteRunning,
      hours(l.hours.running),
      hours(l.hours.setup),
      hours(l.hours.down),
      hours(l.hours.idle),
      hours(l.hours.offline),
      Math.round(l.energyKwh * 100) / 100,
      when(l.firstTs),
      when(l.lastTs),
      neutralizeCell(l.machines.join(", ")),
      s?.machineTime ?? null,
      s?.energy ?? null,
      s?.sheets ?? null,
      s?.wasteDeduction ?? null,
      s?.total ?? null,
    ]);
  }
  for (const c of [15, 16]) ws.getColumn(c).numFmt = "yyyy-mm-dd hh:mm";
  ws.columns.forEach((col) => {
    col.width = 14;
  });
  const buf = await wb.xlsx.writeBuffer();
  return {
    filename: loc === "en" ? "job-ledger.xlsx" : "工单台账.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    base64: Buffer.from(buf).toString("base64"),
  };
}
