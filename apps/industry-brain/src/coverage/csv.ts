/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, an optional UTF-8 BOM. */
export function parseCsv(text: string): string[][] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const c = s.charAt(i);
    if (quoted) {
      if (c === '"') {
        if (s.charAt(i + 1) === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      if (c === "\r" && s.charAt(i + 1) === "\n") i++;
    } else field += c;
    i++;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.some((f) => f.trim() !== ""));
}

/** Leading characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
export const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/**
 * A text cell made inert for spreadsheets, by the OWASP rule: one starting with `=`, `+`, `-`, `@`,
 * tab or carriage return gets a leading `'`, so Excel, LibreOffice and WPS show it as text.
 * @example neutralizeCell("=HYPERLINK(\"http://x\")") // "'=HYPERLINK(\"http://x\")"
 */
export function neutralizeCell(s: string): string {
  return FORMULA_TRIGGER.test(s) ? `'${s}` : s;
}

/** One CSV field: text neutralised against formula injection, quoted when needed. */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return "";
  const s = typeof v === "string" ? neutralizeCell(v) : String(v);
  return /[",\r\n\t]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A CSV document with a BOM (so Excel opens UTF-8 Chinese correctly) and CRLF line ends. */
export function toCsv(rows: (string | number | boolean | null)[][]): string {
  return `\uFEFF${rows.map((r) => r.map(csvField).join(",")).join("\r\n")}\r\n`;
}
