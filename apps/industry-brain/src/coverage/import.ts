import { creditCodeProblem, industryDivision } from "@weft/core";
import ExcelJS from "exceljs";
import { neutralizeCell, parseCsv } from "./csv.ts";
import { HEAD, ITEM_LABEL } from "./export.ts";
import { didYouMean } from "./headers.ts";

/** Largest import file accepted (bytes). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
/** Largest number of data rows in one import. */
export const MAX_IMPORT_ROWS = 20_000;

/** Columns of the import file; each has Chinese and English header aliases. */
export const IMPORT_COLUMNS = {
  name: ["企业名称", "name", "enterprise"],
  creditCode: ["统一社会信用代码", "creditcode", "credit code", "credit_code"],
  industryCode: ["行业代码", "industrycode", "industry code", "industry_code", "industry"],
  park: ["园区", "park", "park key", "park_key"],
  aboveScale: ["规上", "abovescale", "above scale", "above_scale"],
  declaredMachines: ["申报设备数", "declaredmachines", "declared machines", "declared_machines", "machines"],
  nameEn: ["英文名称", "nameen", "name en", "name_en", "english name"],
  key: ["企业标识", "key", "enterprise key"],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;
const REQUIRED: ImportColumn[] = ["name", "creditCode", "industryCode"];

export type RowProblem =
  | "name-missing"
  | "credit-code-length"
  | "credit-code-characters"
  | "credit-code-check-digit"
  | "industry-code-unknown"
  | "park-unknown"
  | "park-missing"
  | "above-scale-invalid"
  | "declared-machines-invalid"
  | "key-invalid"
  | "duplicate-in-file"
  | "duplicate-existing";

export interface RowIssue {
  field: ImportColumn;
  problem: RowProblem;
  /** The offending value as written in the file. */
  value: string;
}

export interface ImportRow {
  /** 1-based line in the file, counting the header as line 1. */
  line: number;
  ok: boolean;
  issues: RowIssue[];
  values: {
    name: string;
    nameEn: string | null;
    key: string;
    creditCode: string;
    industryCode: string;
    parkId: number | null;
    parkKey: string;
    aboveScale: boolean;
    declaredMachines: number;
  };
}

export type FileProblem =
  | "too-large"
  | "unreadable"
  | "empty"
  | "missing-columns"
  | "unknown-columns"
  | "too-many-rows";

export interface FileIssue {
  problem: FileProblem;
  detail: string;
}

export interface ImportReport {
  fileIssues: FileIssue[];
  rows: ImportRow[];
  valid: number;
  invalid: number;
}

/** What the validation needs to know about the brain (plain values, no I/O). */
export interface ImportContext {
  /** Park key or id (as text) → park id, only parks the importer may write to. */
  parks: Map<string, number>;
  /** Park to use when a row names none. */
  defaultParkId: number | null;
  /** Credit codes and keys that already exist. */
  existingCreditCodes: Set<string>;
  existingKeys: Set<string>;
}

/** Read a CSV or XLSX file into a header row and data rows of text. */
export async function readTable(filename: string, bytes: Uint8Array): Promise<string[][]> {
  if (/\.xlsx$/i.test(filename)) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
    const ws = wb.worksheets[0];
    if (!ws) return [];
    const out: string[][] = [];
    ws.eachRow({ includeEmpty: false }, (row) => {
      const cells: string[] = [];
      for (let c = 1; c <= ws.columnCount; c++) cells.push(cellText(row.getCell(c).value));
      out.push(cells);
    });
    return out;
  }
  if (/\.csv$/i.test(filename)) return parseCsv(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  throw new Error("only .csv and .xlsx files can be imported");
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") {
    if (v instanceof Date) return v.toISOString();
    if ("text" in v && typeof v.text === "string") return v.text;
    if ("result" in v) return String(v.result ?? "");
    if ("richText" in v) return v.richText.map((r) => r.text).join("");
    return "";
  }
  return String(v);
}

/**
 * Which column is where. A header that is no known column is `unknown` (with the column it most
 * likely meant): a near-miss such as 规上企业 must not be dropped silently, or every enterprise
 * would import with the default for that column.
 */
function headerMap(header: string[]): {
  map: Map<ImportColumn, number>;
  missing: ImportColumn[];
  unknown: { header: string; meant: string | null }[];
} {
  const norm = header.map((h) => h.trim().toLowerCase());
  const map = new Map<ImportColumn, number>();
  for (const [col, aliases] of Object.entries(IMPORT_COLUMNS) as [ImportColumn, readonly string[]][]) {
    const idx = norm.findIndex((h) => aliases.includes(h));
    if (idx >= 0) map.set(col, idx);
  }
  const used = new Set(map.values());
  // The coverage export's derived columns: known, computed by the brain, skipped on import.
  const derived = new Set(
    (["zh-CN", "en"] as const).flatMap((l) =>
      [...HEAD[l], ...Object.values(ITEM_LABEL[l])].map((h) => h.toLowerCase()),
    ),
  );
  norm.forEach((h, i) => {
    if (derived.has(h) && !used.has(i)) used.add(i);
  });
  const names = Object.values(IMPORT_COLUMNS).map((a) => a[0]);
  const unknown = header
    .map((h, i) => ({ h: h.trim(), i }))
    .filter(({ h, i }) => h !== "" && !used.has(i))
    .map(({ h }) => ({ header: h, meant: didYouMean(h, names) }));
  return { map, missing: REQUIRED.filter((c) => !map.has(c)), unknown };
}

const TRUE = new Set(["1", "true", "yes", "y", "是", "规上"]);
const FALSE = new Set(["", "0", "false", "no", "n", "否"]);

/**
 * Validate a table row by row. Stores nothing: the caller commits only the accepted valid rows.
 * @example validateImport(await readTable("a.csv", bytes), ctx).invalid
 */
export function validateImport(table: string[][], ctx: ImportContext): ImportReport {
  const [header, ...data] = table;
  if (!header || data.length === 0) {
    return {
      fileIssues: [{ problem: "empty", detail: "the file has no data rows" }],
      rows: [],
      valid: 0,
      invalid: 0,
    };
  }
  const { map, missing, unknown } = headerMap(header);
  const headerIssues: FileIssue[] = [];
  if (missing.length > 0)
    headerIssues.push({
      problem: "missing-columns",
      detail: missing.map((c) => IMPORT_COLUMNS[c][0]).join(", "),
    });
  if (unknown.length > 0) {
    // `规上企业 → 规上`: the arrow reads the same in both languages; the UI words the sentence.
    const detail = unknown.map((u) => (u.meant ? `${u.header} → ${u.meant}` : u.header)).join(", ");
    headerIssues.push({ problem: "unknown-columns", detail });
  }
  if (headerIssues.length > 0) return { fileIssues: headerIssues, rows: [], valid: 0, invalid: 0 };
  if (data.length > MAX_IMPORT_ROWS) {
    const detail = `${data.length} rows; at most ${MAX_IMPORT_ROWS}`;
    return { fileIssues: [{ problem: "too-many-rows", detail }], rows: [], valid: 0, invalid: 0 };
  }
  const seenCodes = new Map<string, number>();
  const seenKeys = new Set<string>();
  const rows = data.map((cells, i) => {
    // Trimmed, then neutralised (OWASP): a name like `=HYPERLINK(…)` is stored as `'=HYPERLINK(…)`
    // and stays inert in every later export or spreadsheet, CSV and XLSX alike.
    const get = (c: ImportColumn) => {
      const idx = map.get(c);
      return idx === undefined ? "" : neutralizeCell((cells[idx] ?? "").trim());
    };
    const issues: RowIssue[] = [];
    const name = get("name");
    if (!name) issues.push({ field: "name", problem: "name-missing", value: name });
    const creditRaw = get("creditCode");
    const creditCode = creditRaw.toUpperCase();
    const cp = creditCodeProblem(creditCode);
    if (cp) issues.push({ field: "creditCode", problem: `credit-code-${cp}`, value: creditRaw });
    else if (ctx.existingCreditCodes.has(creditCode)) {
      issues.push({ field: "creditCode", problem: "duplicate-existing", value: creditRaw });
    } else if (seenCodes.has(creditCode)) {
      issues.push({ field: "creditCode", problem: "duplicate-in-file", value: creditRaw });
    }
    if (!cp) seenCodes.set(creditCode, i);
    const industryRaw = get("industryCode");
    const industryCode = industryRaw.toUpperCase();
    if (!industryDivision(industryCode))
      issues.push({ field: "industryCode", problem: "industry-code-unknown", value: industryRaw });
    const parkKey = get("park");
    const parkId = parkKey ? (ctx.parks.get(parkKey) ?? null) : ctx.defaultParkId;
    if (parkKey && parkId === null) issues.push({ field: "park", problem: "park-unknown", value: parkKey });
    else if (parkId === null) issues.push({ field: "park", problem: "park-missing", value: "" });
    const scaleRaw = get("aboveScale").toLowerCase();
    if (!TRUE.has(scaleRaw) && !FALSE.has(scaleRaw))
      issues.push({ field: "aboveScale", problem: "above-scale-invalid", value: get("aboveScale") });
    const machinesRaw = get("declaredMachines");
    const declaredMachines = machinesRaw === "" ? 0 : Number(machinesRaw);
    if (!Number.isInteger(declaredMachines) || declaredMachines < 0 || declaredMachines > 100_000) {
      issues.push({ field: "declaredMachines", problem: "declared-machines-invalid", value: machinesRaw });
    }
    const key = get("key") || `e-${creditCode.toLowerCase()}`;
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(key))
      issues.push({ field: "key", problem: "key-invalid", value: key });
    else if (ctx.existingKeys.has(key) || seenKeys.has(key)) {
      if (!issues.some((x) => x.problem.startsWith("duplicate")))
        issues.push({ field: "key", problem: "duplicate-in-file", value: key });
    }
    seenKeys.add(key);
    return {
      line: i + 2,
      ok: issues.length === 0,
      issues,
      values: {
        name,
        nameEn: get("nameEn") || null,
        key,
        creditCode,
        industryCode,
        parkId,
        parkKey,
        aboveScale: TRUE.has(scaleRaw),
        declaredMachines: Number.isInteger(declaredMachines) ? declaredMachines : 0,
      },
    };
  });
  const valid = rows.filter((r) => r.ok).length;
  return { fileIssues: [], rows, valid, invalid: rows.length - valid };
}
