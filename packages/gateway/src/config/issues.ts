import { WeftError } from "@weft/core";
import type { z } from "zod";
import { fieldPath, type LocatedDocument, lineOf } from "./locate.ts";

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

/** Throw every issue at once as one `CONFIG_INVALID` error (first issue's field and fix on the error). */
export function configError(issues: ConfigIssue[]): WeftError {
  const first = issues[0];
  return new WeftError(
    "CONFIG_INVALID",
    `${issues.length} problem${issues.length === 1 ? "" : "s"} in the gateway config:\n${issues.map(formatIssue).join("\n")}`,
    { field: first?.field, fix: first?.fix, details: { issues } },
  );
}

/** Turn zod issues into located config issues, each with a fix. */
export function zodToIssues(
  located: LocatedDocument,
  error: z.ZodError,
  prefix: readonly (string | number)[] = [],
  displayPrefix: readonly (string | number)[] = prefix,
): ConfigIssue[] {
  return flattenUnions(error.issues, []).map(({ issue, base }) => {
    const path = [...base, ...issue.path].filter((p): p is string | number => typeof p !== "symbol");
    return {
      file: located.file,
      line: lineOf(located, [...prefix, ...path]),
      field: fieldPath([...displayPrefix, ...path]),
      message: issue.message,
      fix: fixFor(issue),
    };
  });
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

/** One sentence saying how to fix a zod issue. */
export function fixFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? `add this required field (${issue.expected})`
        : `set it to a ${issue.expected}`;
    case "unrecognized_keys":
      return `remove ${issue.keys.map((k) => `"${k}"`).join(", ")} or check the spelling against the JSON Schema (gateway.schema.json)`;
    case "invalid_value":
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "too_small":
      return `use a value of at least ${String(issue.minimum)}${issue.origin === "array" ? " items" : ""}`;
    case "too_big":
      return `use a value of at most ${String(issue.maximum)}${issue.origin === "array" ? " items" : ""}`;
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
