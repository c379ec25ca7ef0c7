/**
 * PostgreSQL array literals built by hand for the hot ingest path: about 25% faster than letting
 * the driver serialise JS arrays (postgres.js quotes and regex-escapes every element, numbers too).
 * Passed as one text parameter and cast in SQL (`$1::float8[]`). Same text works on PGlite.
 */

const NEEDS_QUOTES = /[",\\{}\s]|^$|^null$/i;

/** Element of a text[] literal: quoted (with `\` escapes) only when it has to be. */
export function textElement(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/[\\"]/g, "\\$&")}"` : s;
}

/** `{1,2.5,NULL}` for int/float arrays. Numbers must be finite (the readings schema guarantees it). */
export function numberArrayLiteral(values: readonly (number | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    out += v === null || v === undefined ? "NULL" : String(v);
  }
  return `${out}}`;
}

/** `{a,"b c",NULL}` for text arrays. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ",";
    out += v === null || v === undefined ? "NULL" : textElement(v);
  }
  return `${out}}`;
}
