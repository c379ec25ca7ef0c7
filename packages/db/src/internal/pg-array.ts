import { type SQL, sql } from "drizzle-orm";

/**
 * PostgreSQL array literals built by hand for the hot ingest path: postgres.js serialises a JS array
 * parameter by quoting and regex-escaping every element, numbers too, which was 20% of the brain's
 * ingest CPU with a thousand machines a batch. Passed as one text parameter and cast in SQL
 * (`$1::float8[]`). The same text works on PGlite.
 */

const NEEDS_QUOTES = /[",\\{}\s]|^$|^null$/i;

/**
 * Element of a text[] literal: quoted (with `\` escapes) only when it has to be. U+0000 is dropped,
 * as the COPY encoder does: PostgreSQL text cannot hold it.
 */
export function textElement(raw: string): string {
  const s = raw.includes("\u0000") ? raw.replaceAll("\u0000", "") : raw;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/[\\"]/g, "\\$&")}"` : s;
}

/**
 * `{1,2.5,NULL}` for int/float arrays. Numbers must be finite (the readings schema guarantees it).
 * Built with `join`, which makes one flat string: appending with `+=` builds a rope of thousands of
 * pieces that postgres.js's `Buffer.byteLength` then flattens (10% of the brain's CPU at fan-in).
 */
export function numberArrayLiteral(values: readonly (number | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = v === null || v === undefined ? "NULL" : String(v);
  }
  return `{${parts.join(",")}}`;
}

/** `{a,"b c",NULL}` for text arrays. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    parts[i] = v === null || v === undefined ? "NULL" : textElement(v);
  }
  return `{${parts.join(",")}}`;
}

export type PgArrayType = "int2" | "int4" | "int8" | "float8" | "text";

/**
 * An array parameter as `$n::type[]`, sent as one hand-built text literal. Use it for the arrays of
 * UNNEST upserts on hot paths. Numbers must be finite (or null); int2/int4/int8 values integers.
 * @example sql`select * from unnest(${pgArray([1, 2], "int4")}) as x`
 */
export function pgArray(values: readonly (number | string | null)[], type: PgArrayType): SQL {
  const literal =
    type === "text"
      ? textArrayLiteral(values as readonly (string | null)[])
      : numberArrayLiteral(values as readonly (number | null)[]);
  return sql`${literal}::${sql.raw(type)}[]`;
}
