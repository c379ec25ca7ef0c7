import type { z } from "zod";

export interface FieldIssue {
  /** Dotted path, e.g. `readings[3].ts`. */
  field: string;
  message: string;
}

/** Turn zod issues into `field: message` pairs a person can act on. */
export function formatZodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: pathToField(issue.path), message: issue.message }));
}

function pathToField(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}
