import { readFile } from "node:fs/promises";
import { formatZodIssues, WeftError } from "@weft/core";
import { parse } from "csv-parse/sync";
import { ModbusPoint } from "./config.ts";

const AREA_ALIASES: Record<string, string> = {
  coil: "coil",
  coils: "coil",
  co: "coil",
  "0x": "coil",
  discrete: "discrete",
  "discrete input": "discrete",
  "discrete inputs": "discrete",
  di: "discrete",
  "1x": "discrete",
  holding: "holding",
  "holding register": "holding",
  "holding registers": "holding",
  hr: "holding",
  "4x": "holding",
  input: "input",
  "input register": "input",
  "input registers": "input",
  ir: "input",
  "3x": "input",
};
const NUMERIC = new Set(["address", "scale", "offset", "bit", "length", "deadband"]);

/**
 * Parse a register map from CSV. Header columns: `id, area, address, type, order, scale, unit`
 * (required: id, area, address), optional `offset, bit, length, deadband, group, writable, description`.
 * Rows become `ModbusPoint`s; a bad row throws a `CONFIG_INVALID` WeftError naming the row, point and column.
 * @example
 * parsePointsCsv("id,area,address,type,order,scale,unit\ntemp,input,6,int16,,0.1,°C\n")
 */
export function parsePointsCsv(text: string, source = "register map"): ModbusPoint[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      comment: "#",
      bom: true,
    });
  } catch (e) {
    throw new WeftError("CONFIG_INVALID", `${source}: not valid CSV: ${(e as Error).message}`, {
      field: source,
      cause: e,
    });
  }
  return rows.map((row, i) => {
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (value === "" || value === undefined) continue;
      if (NUMERIC.has(key)) raw[key] = Number(value);
      else if (key === "writable") raw[key] = /^(true|yes|1|y)$/i.test(value);
      else if (key === "area") raw[key] = AREA_ALIASES[value.toLowerCase()] ?? value;
      else if (key === "type" || key === "order")
        raw[key] = key === "type" ? value.toLowerCase() : value.toUpperCase();
      else raw[key] = value;
    }
    const result = ModbusPoint.safeParse(raw);
    if (result.success) return result.data;
    const issue = formatZodIssues(result.error)[0];
    const line = i + 2;
    const field = `${source}: row ${line}${issue ? `.${issue.field}` : ""}`;
    throw new WeftError(
      "CONFIG_INVALID",
      `${field} (point "${row.id ?? "?"}"): ${issue?.message ?? "invalid"}`,
      {
        field,
        ...(issue ? { fix: issue.message } : {}),
      },
    );
  });
}

/** Read and parse a CSV register map file. */
export async function loadPointsCsv(path: string): Promise<ModbusPoint[]> {
  return parsePointsCsv(await readFile(path, "utf8"), path);
}
