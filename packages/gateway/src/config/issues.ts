import { WeftError } from "@weft/core";
import type { z } from "zod";
import { fieldPath, type LocatedDocument, lineOf } from "./locate.ts";
import { knownKeys, nearestKey } from "./suggest.ts";

/** One problem in a config file, precise enough to fix without reading the code. */
export interface ConfigIssue {
  file: string;
  line: number;
  /** Dotted path, e.g. `devices[0].points[3].address`. */
  field: string;
  message: string;
  fix: string;
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}:${i.line}: ${i.field}: ${i.message}\n  fix: ${i.fix}`;
}

/**
 * Throw every issue at once as one `CONFIG_INVALID` error (first issue's field and fix on the
 * error). Several complaints about one field at one line (the schema's and the connector's) are
 * one problem: the first is kept.
 */
export function configError(all: ConfigIssue[]): WeftError {
  const seen = new Set<string>();
  const issues = all
    .filter((i) => {
      const key = `${i.file}:${i.line}:${i.field}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.file === b.file ? a.line - b.line : 0));
  const first = issues[0];
  return new WeftError(
    "CONFIG_INVALID",
    `${issues.length} problem${issues.length === 1 ? "" : "s"} in the gateway config:\n${issues.map(formatIssue).join("\n")}`,
    { field: first?.field, fix: first?.fix, details: { issues } },
  );
}

/**
 * Turn zod issues into located config issues, each with a fix, each at the line of the key it is
 * about. An unknown key gets an issue of its own at its own line, with the known key it most
 * likely meant (`schema` tells which keys exist there); the "required field missing" issue that
 * typo causes is then left out, since renaming the key fixes both.
 */
export function zodToIssues(
  located: LocatedDocument,
  error: z.ZodError,
  prefix: readonly (string | number)[] = [],
  displayPrefix: readonly (string | number)[] = prefix,
  schema?: z.ZodType,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const renamed = new Set<string>();
  const at = (path: (string | number)[], message: string, fix: string) =>
    out.push({
      file: located.file,
      line: lineOf(located, [...prefix, ...path]),
      field: fieldPath([...displayPrefix, ...path]),
      message,
      fix,
    });
  const flat = flattenUnions(error.issues, []).map(({ issue, base }) => ({
    issue,
    path: [...base, ...issue.path].filter((p): p is string | number => typeof p !== "symbol"),
  }));
  for (const { issue, path } of flat) {
    if (issue.code !== "unrecognized_keys") continue;
    const known = schema ? knownKeys(schema, path) : [];
    for (const key of issue.keys) {
      const meant = nearestKey(key, known);
      if (meant) renamed.add(fieldPath([...path, meant]));
      at(
        [...path, key],
        `unknown key "${key}"`,
        meant
          ? `did you mean "${meant}"? rename "${key}" to "${meant}"`
          : `remove it or check the spelling${known.length ? `; keys here: ${known.join(", ")}` : " against the JSON Schema (gateway.schema.json)"}`,
      );
    }
  }
  for (const { issue, path } of flat) {
    if (issue.code === "unrecognized_keys") continue;
    const present = located.doc.hasIn([...prefix, ...path]);
    if (issue.code === "invalid_type" && !present && renamed.has(fieldPath(path))) continue;
    at(path, issue.message, fixFor(issue, present));
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Replace a union failure by the issues of its closest branch (fewest issues), so the path stays precise. */
function flattenUnions(
  issues: readonly z.core.$ZodIssue[],
  base: readonly PropertyKey[],
): { issue: z.core.$ZodIssue; base: PropertyKey[] }[] {
  return issues.flatMap((issue) => {
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const score = (branch: readonly z.core.$ZodIssue[]) =>
        branch.length + (branch.some((i) => i.code === "invalid_type" && i.path.length === 0) ? 1000 : 0);
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0];
      if (best && best.length > 0) return flattenUnions(best, [...base, ...issue.path]);
    }
    return [{ issue, base: [...base] }];
  });
}

/** One sentence saying how to fix a zod issue; `present`: the field is in the file (a wrong value, not a missing one). */
export function fixFor(issue: z.core.$ZodIssue, present = issue.input !== undefined): string {
  switch (issue.code) {
    case "invalid_type":
      return present ? `set it to a ${issue.expected}` : `add this required field (${issue.expected})`;
    case "unrecognized_keys":
      return `remove ${issue.keys.map((k) => `"${k}"`).join(", ")} or check the spelling against the JSON Schema (gateway.schema.json)`;
    case "invalid_value":
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array"
        ? `give it at least ${String(issue.minimum)} item${issue.minimum === 1 ? "" : "s"}`
        : issue.origin === "string"
          ? `use at least ${String(issue.minimum)} character${issue.minimum === 1 ? "" : "s"}`
          : `use a value ${issue.inclusive === false ? "greater than" : "of at least"} ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "array"
        ? `give it at most ${String(issue.maximum)} items`
        : issue.origin === "string"
          ? `use at most ${String(issue.maximum)} characters`
          : `use a value ${issue.inclusive === false ? "less than" : "of at most"} ${String(issue.maximum)}`;
    case "invalid_format":
      return issue.format === "url"
        ? "write a full URL such as http://brain:4000/trpc"
        : `use the ${issue.format} format`;
    case "invalid_union":
      return "use one of the accepted shapes (see the JSON Schema, gateway.schema.json)";
    default: {
      const colon = issue.message.indexOf(": ");
      return colon > 0 ? issue.message.slice(colon + 2) : "see the message above";
    }
  }
}
