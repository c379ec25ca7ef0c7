import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { ConfigIssue } from "../config/issues.ts";
import { zodToIssues } from "../config/issues.ts";
import { parseLocated } from "../config/locate.ts";
import { yamlErrors } from "../config/points.ts";
import { type CompiledProfile, compileProfile } from "./compile.ts";
import { ProfileDefinition } from "./schema.ts";

/** Folder of the built-in profiles shipped with the package. */
export const BUILTIN_PROFILE_DIR = fileURLToPath(new URL("../../profiles/", import.meta.url));

/** Names of the built-in profiles (`printing-press`, `industrial-robot`, `generic-machine`). */
export function builtinProfileNames(): string[] {
  return fs
    .readdirSync(BUILTIN_PROFILE_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A name without a slash or a `.yaml` suffix is a built-in; anything else is a path from `baseDir`. */
export function profileFile(ref: string, baseDir: string): string {
  const isPath = ref.includes("/") || ref.includes("\\") || /\.ya?ml$/i.test(ref);
  return isPath ? path.resolve(baseDir, ref) : path.join(BUILTIN_PROFILE_DIR, `${ref}.yaml`);
}

/** Load, validate and compile a profile by name or path. Problems come back as located issues. */
export function loadProfile(ref: string, baseDir: string): CompiledProfile | { issues: ConfigIssue[] } {
  const file = profileFile(ref, baseDir);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return {
      issues: [
        {
          file,
          line: 1,
          field: "(profile)",
          message: `no profile "${ref}"`,
          fix: `use one of ${builtinProfileNames().join(", ")}, or a path to a profile YAML file`,
        },
      ],
    };
  }
  const located = parseLocated(file, text);
  const yamlIssues = yamlErrors(located);
  if (yamlIssues.length) return { issues: yamlIssues };
  const parsed = ProfileDefinition.safeParse(located.doc.toJS());
  if (!parsed.success) return { issues: zodToIssues(located, parsed.error) };
  try {
    return compileProfile(parsed.data);
  } catch (e) {
    const msg = (e as Error).message;
    const field = msg.split(":")[0] ?? "signals";
    const pathParts = field.split(".").flatMap((p) =>
      p
        .split(/\[(\d+)\]/)
        .filter(Boolean)
        .map((x) => (/^\d+$/.test(x) ? Number(x) : x)),
    );
    return {
      issues: [
        {
          file,
          line: lineOfPath(located, pathParts),
          field,
          message: msg.slice(field.length + 2),
          fix: "fix the expression (operators: + - * / % == != < <= > >= && || ! ?:, names in backticks when they contain other characters)",
        },
      ],
    };
  }
}

function lineOfPath(located: ReturnType<typeof parseLocated>, p: (string | number)[]): number {
  const node = located.doc.getIn(p, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? located.lines.linePos(node.range[0]).line : 1;
}
