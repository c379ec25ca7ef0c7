import { type Document, LineCounter, parseDocument } from "yaml";

/** A YAML file parsed with positions, so a field path can be turned into a line. */
export interface LocatedDocument {
  file: string;
  doc: Document;
  lines: LineCounter;
  text: string;
}

export function parseLocated(file: string, text: string): LocatedDocument {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  return { file, doc, lines, text };
}

/**
 * 1-based line of the node at `path`, or of its nearest existing ancestor when the
 * field is missing (e.g. a required key), or 1 for the document root.
 */
export function lineOf(located: LocatedDocument, path: readonly (string | number)[]): number {
  for (let n = path.length; n >= 0; n--) {
    const node = located.doc.getIn(path.slice(0, n), true) as
      | { range?: [number, number, number] }
      | undefined;
    const pair = n > 0 ? findPairKey(located, path.slice(0, n)) : undefined;
    const offset = pair ?? node?.range?.[0];
    if (offset !== undefined) return located.lines.linePos(offset).line;
  }
  return 1;
}

/** Offset of the key of the last path element when the parent is a map (points at `key:` rather than its value). */
function findPairKey(located: LocatedDocument, path: readonly (string | number)[]): number | undefined {
  const parent = located.doc.getIn(path.slice(0, -1), true) as
    | { items?: { key?: { value?: unknown; range?: [number, number, number] } }[] }
    | undefined;
  const last = path.at(-1);
  if (!parent?.items || typeof last !== "string") return undefined;
  const pair = parent.items.find((p) => p.key && String(p.key.value) === last);
  return pair?.key?.range?.[0];
}

/** Format a field path like `devices[0].points[3].address`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}
