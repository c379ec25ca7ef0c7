import type { z } from "zod";

/** Edit distance (insert, delete, substitute, swap of neighbours), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] ?? 0, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
    }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/** The known key a typo most likely meant: same letters ignoring case, or at most 2 edits away. */
export function nearestKey(typo: string, known: readonly string[]): string | undefined {
  const lower = typo.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  let best: { key: string; d: number } | undefined;
  for (const k of known) {
    const d = editDistance(lower, k.toLowerCase());
    if (d <= Math.min(2, Math.floor(k.length / 3)) && (!best || d < best.d)) best = { key: k, d };
  }
  return best?.key;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def | undefined => (s as { _zod?: { def?: Def } })?._zod?.def;

/** Strip wrappers (optional, default, pipe, …) down to the schema that describes the value. */
function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (!def) return s;
    if (
      ["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"].includes(def.type)
    )
      s = def.innerType;
    else if (def.type === "pipe") s = def.in;
    else if (def.type === "lazy") s = (def.getter as () => unknown)();
    else return s;
  }
  return s;
}

/** The keys an object schema at `path` (inside `schema`) accepts; [] when there is no object there. */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let candidates: unknown[] = [schema];
  for (const p of path) {
    const next: unknown[] = [];
    for (const c of candidates) {
      const s = unwrap(c);
      const def = defOf(s);
      if (!def) continue;
      if (def.type === "object") {
        const shape = def.shape as Record<string, unknown>;
        if (typeof p === "string" && p in shape) next.push(shape[p]);
      } else if (def.type === "array" && typeof p === "number") next.push(def.element);
      else if (def.type === "union") next.push(...(def.options as unknown[]).filter(Boolean));
      else if (def.type === "record") next.push(def.valueType);
    }
    candidates = next.flatMap((c) => {
      const d = defOf(unwrap(c));
      return d?.type === "union" ? (d.options as unknown[]) : [c];
    });
  }
  const keys = new Set<string>();
  for (const c of candidates) {
    const def = defOf(unwrap(c));
    if (def?.type === "object") for (const k of Object.keys(def.shape as object)) keys.add(k);
  }
  return [...keys];
}
