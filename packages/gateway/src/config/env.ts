import { type Document, isScalar, parse as parseYamlValue, Scalar, visit } from "yaml";

export interface EnvProblem {
  /** YAML path of the scalar that referenced the variable. */
  path: (string | number)[];
  variable: string;
}

const REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replace `${NAME}` and `${NAME:-default}` in one string; `$$` is a literal `$`. */
export function substituteEnv(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
  missing: (name: string) => void,
): string {
  return text.replace(REF, (all, name: string | undefined, fallback: string | undefined) => {
    if (all === "$$") return "$";
    if (!name) return all;
    const v = env[name];
    if (v !== undefined && v !== "") return v;
    if (fallback !== undefined) return fallback;
    missing(name);
    return "";
  });
}

/**
 * Substitute environment variables in every string scalar of a parsed YAML
 * document, in place. A plain (unquoted) scalar that is exactly one reference is
 * re-read as YAML, so `port: ${MODBUS_PORT}` becomes a number; quote it to keep a string.
 */
export function substituteEnvInDocument(
  doc: Document,
  env: Readonly<Record<string, string | undefined>>,
): EnvProblem[] {
  const problems: EnvProblem[] = [];
  visit(doc, {
    Scalar(_key, node, path) {
      if (typeof node.value !== "string" || !node.value.includes("$")) return;
      const yamlPath = pathOf(path);
      const original = node.value;
      const replaced = substituteEnv(original, env, (variable) =>
        problems.push({ path: yamlPath, variable }),
      );
      if (replaced === original) return;
      const whole = /^\$\{[^}]+\}$/.test(original) && node.type === Scalar.PLAIN;
      node.value = whole ? coerce(replaced) : replaced;
    },
  });
  return problems;
}

function coerce(text: string): unknown {
  try {
    const v: unknown = parseYamlValue(text);
    return typeof v === "number" || typeof v === "boolean" ? v : text;
  } catch {
    return text;
  }
}

function pathOf(path: readonly unknown[]): (string | number)[] {
  const out: (string | number)[] = [];
  for (let i = 0; i < path.length; i++) {
    const parent = path[i] as { items?: unknown[] };
    const child = path[i + 1];
    if (!parent.items || child === undefined) continue;
    const idx = parent.items.indexOf(child);
    const item = child as { key?: unknown };
    if (item && typeof item === "object" && "key" in item && isScalar(item.key))
      out.push(String(item.key.value));
    else if (idx >= 0) out.push(idx);
  }
  return out;
}
