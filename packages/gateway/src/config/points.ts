import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { z } from "zod";
import type { ConfigIssue } from "./issues.ts";
import { zodToIssues } from "./issues.ts";
import { type LocatedDocument, parseLocated } from "./locate.ts";
import { PointEntry } from "./schema.ts";

export type PointRecord = z.infer<typeof PointEntry>;

/** Where a device's points came from, so a connector's complaint about `points[3]` finds its line. */
export type PointsOrigin =
  | { kind: "inline"; located: LocatedDocument; path: (string | number)[] }
  | { kind: "file"; located: LocatedDocument; path: (string | number)[] }
  | { kind: "csv"; file: string; rowLines: number[] };

export interface LoadedPoints {
  points: PointRecord[];
  origin: PointsOrigin;
  /** Extra connection settings a device file may carry (`connection:`), under the config's own. */
  connection: Record<string, unknown>;
}

const DeviceFile = z.looseObject({
  connection: z.record(z.string(), z.unknown()).optional(),
  points: z.array(PointEntry).min(1, "a device file needs at least one point"),
});

/** Load a YAML device file (`points:` and optionally `connection:`). */
export function loadDeviceFile(file: string): LoadedPoints | { issues: ConfigIssue[] } {
  const text = readText(file);
  if (typeof text !== "string") return text;
  const located = parseLocated(file, text);
  const yamlIssues = yamlErrors(located);
  if (yamlIssues.length) return { issues: yamlIssues };
  const parsed = DeviceFile.safeParse(located.doc.toJS());
  if (!parsed.success) return { issues: zodToIssues(located, parsed.error) };
  return {
    points: parsed.data.points,
    origin: { kind: "file", located, path: ["points"] },
    connection: parsed.data.connection ?? {},
  };
}

/**
 * Load points from a CSV with a header row. Column names are point fields; a dotted
 * name (`scale.factor`) builds a nested object; numbers and true/false are typed; empty
 * cells are left out.
 */
export function loadPointsCsv(file: string): LoadedPoints | { issues: ConfigIssue[] } {
  const text = readText(file);
  if (typeof text !== "string") return text;
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, comment: "#" });
  } catch (e) {
    const line = (e as { lines?: number }).lines ?? 1;
    return {
      issues: [issue(file, line, "(csv)", String((e as Error).message), "fix the CSV syntax on that line")],
    };
  }
  const lines = text.split(/\r?\n/);
  const rowLines: number[] = [];
  let search = 1;
  for (let i = 0; i < rows.length; i++) {
    while (search < lines.length && (!lines[search]?.trim() || lines[search]?.trim().startsWith("#")))
      search++;
    rowLines.push(search + 1);
    search++;
  }
  const points = rows.map(csvRowToPoint);
  const issues: ConfigIssue[] = [];
  points.forEach((p, i) => {
    const r = PointEntry.safeParse(p);
    if (!r.success)
      issues.push(
        issue(
          file,
          rowLines[i] ?? 1,
          `row ${i + 1}`,
          r.error.issues[0]?.message ?? "invalid",
          "add an id column",
        ),
      );
  });
  if (issues.length) return { issues };
  return { points: points as PointRecord[], origin: { kind: "csv", file, rowLines }, connection: {} };
}

function csvRowToPoint(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(row)) {
    if (raw === "") continue;
    const value: unknown =
      raw === "true"
        ? true
        : raw === "false"
          ? false
          : /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)
            ? Number(raw)
            : raw;
    const parts = key.split(".");
    let target = out;
    parts.slice(0, -1).forEach((p) => {
      const next = target[p];
      target[p] = typeof next === "object" && next !== null ? next : {};
      target = target[p] as Record<string, unknown>;
    });
    target[parts.at(-1) ?? key] = value;
  }
  if (typeof out.id === "number") out.id = String(out.id);
  return out;
}

function readText(file: string): string | { issues: ConfigIssue[] } {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    return {
      issues: [
        issue(
          file,
          1,
          "(file)",
          `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
          "check the path (relative paths start at the config file's folder)",
        ),
      ],
    };
  }
}

/**
 * YAML syntax errors, one per line, at the line to fix. The yaml library reports a key indented
 * deeper than its siblings as two errors on the line above (that line's value seems to go on);
 * it is reported once, at the deeper line, as the indentation problem it is.
 */
export function yamlErrors(located: LocatedDocument): ConfigIssue[] {
  const byLine = new Map<number, ConfigIssue>();
  const lines = located.text.split("\n");
  for (const e of located.doc.errors) {
    let line = e.linePos?.[0]?.line ?? 1;
    let message = (e.message.split("\n")[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, "");
    let fix = "fix the YAML syntax on that line (indentation, a missing ':' or an unclosed quote)";
    const odd = oddIndent(lines, line);
    if (odd) {
      message = `indented ${odd.indent} spaces, ${odd.indent > odd.siblings ? "more" : "less"} than the keys around it (${odd.siblings})`;
      fix = `indent it ${odd.siblings} spaces, like the keys around it`;
    } else if (e.code === "MULTILINE_IMPLICIT_KEY" || e.code === "BLOCK_AS_IMPLICIT_KEY") {
      // Caused by a line already reported (its own indentation is wrong): the same problem.
      if (byLine.has(line)) continue;
      const deeper = deeperLineAfter(located.text, line);
      if (deeper) {
        message = `indented ${deeper.indent} spaces, deeper than the key on line ${line} (${deeper.base}): YAML reads this line as the rest of that key's value`;
        fix = `indent it ${deeper.base} spaces, like the keys around it`;
        line = deeper.line;
      }
    } else if (e.code === "BAD_INDENT") fix = "indent it like the other keys of its block";
    if (!byLine.has(line)) byLine.set(line, issue(located.file, line, "(yaml)", message, fix));
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}

const indentOf = (l: string) => l.length - l.trimStart().length;
const blank = (l: string | undefined) => l === undefined || !l.trim() || l.trimStart().startsWith("#");

/** A line (1-based) indented unlike the lines before and after it, which agree with each other. */
function oddIndent(lines: string[], line: number): { indent: number; siblings: number } | null {
  let p = line - 2;
  while (p >= 0 && blank(lines[p])) p--;
  let n = line;
  while (n < lines.length && blank(lines[n])) n++;
  const own = lines[line - 1];
  if (p < 0 || n >= lines.length || blank(own)) return null;
  const before = indentOf(lines[p] ?? "");
  const after = indentOf(lines[n] ?? "");
  const indent = indentOf(own ?? "");
  return before === after && indent !== before ? { indent, siblings: before } : null;
}

/** The first non-blank line after `line` (1-based) indented deeper than it. */
function deeperLineAfter(text: string, line: number): { line: number; indent: number; base: number } | null {
  const lines = text.split("\n");
  const base = indentOf(lines[line - 1] ?? "");
  for (let i = line; i < lines.length; i++) {
    const l = lines[i] ?? "";
    if (!l.trim() || l.trimStart().startsWith("#")) continue;
    return indentOf(l) > base ? { line: i + 1, indent: indentOf(l), base } : null;
  }
  return null;
}

function issue(file: string, line: number, field: string, message: string, fix: string): ConfigIssue {
  return { file, line, field, message, fix };
}

/** Resolve a path from a config file's folder. */
export function resolveFrom(configFile: string, target: string): string {
  return path.resolve(path.dirname(configFile), target);
}
