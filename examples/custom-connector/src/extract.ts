import type { Quality, ReadingValue } from "@weft/core";
import type { HttpJsonPoint } from "./config.ts";

/** Walk a dotted path with optional indexes; `undefined` when any step is missing. */
export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const part of path.split(".")) {
    const m = /^([^[]+)((?:\[\d+\])*)$/.exec(part);
    if (!m?.[1]) return undefined;
    cur = isObject(cur) ? cur[m[1]] : undefined;
    for (const idx of (m[2] ?? "").matchAll(/\[(\d+)\]/g))
      cur = Array.isArray(cur) ? cur[Number(idx[1])] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A point's value and quality from a document: a missing path or a wrong type is data (`bad`), never an exception. */
export function extractPoint(
  doc: unknown,
  p: HttpJsonPoint,
): { value: ReadingValue; quality: Quality; status?: string } {
  const raw = getPath(doc, p.path);
  if (raw === undefined) return { value: null, quality: "bad", status: `http-json: no value at ${p.path}` };
  if (p.type !== "any" && typeof raw !== p.type)
    return {
      value: null,
      quality: "bad",
      status: `http-json: ${p.path} is ${typeof raw}, expected ${p.type}`,
    };
  if (typeof raw === "number") {
    if (!Number.isFinite(raw))
      return { value: null, quality: "bad", status: "http-json: not a finite number" };
    const v = raw * (p.scale ?? 1) + (p.offset ?? 0);
    return { value: Number.parseFloat(v.toPrecision(15)), quality: "good" };
  }
  return { value: raw as ReadingValue, quality: "good" };
}
