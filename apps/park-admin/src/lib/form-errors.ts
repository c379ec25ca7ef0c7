import { TRPCClientError } from "@trpc/client";

/** Field name → message. A field is the top-level input key (`parkKeys[0]` → `parkKeys`). */
export type FieldErrors = Partial<Record<string, string>>;

function topField(path: string): string {
  const m = /^[^.[]+/.exec(path);
  return m ? m[0] : path;
}

/**
 * The server's per-field errors of a failed call (the brain's error `data.fields`), keyed by the
 * top-level input field. Empty when the error names no field.
 */
export function serverFieldErrors(err: unknown): FieldErrors {
  const out: FieldErrors = {};
  if (!(err instanceof TRPCClientError)) return out;
  const fields = (err.data as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields)) return out;
  for (const f of fields) {
    if (!f || typeof f !== "object") continue;
    const { field, message } = f as { field?: unknown; message?: unknown };
    if (typeof field !== "string" || typeof message !== "string") continue;
    const key = topField(field);
    if (out[key] === undefined) out[key] = message;
  }
  return out;
}

/** True when there is at least one error. */
export function hasErrors(e: FieldErrors): boolean {
  return Object.values(e).some((v) => v !== undefined);
}

/** Lower-case asset key: what the brain accepts for park, enterprise and city keys. */
export const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A plausible e-mail address (the server decides for good). */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const MIN_PASSWORD = 10;
