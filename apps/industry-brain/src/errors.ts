import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { type FieldIssue, formatZodIssues, isWeftError, WeftError, type WeftErrorCode } from "@weft/core";
import { ZodError } from "zod";

/**
 * The ONE place converting WeftError codes to tRPC codes. Used by the error
 * formatter and by {@link toTRPCError} (middleware that must throw a TRPCError).
 */
export function trpcCodeFor(code: WeftErrorCode): TRPC_ERROR_CODE_KEY {
  switch (code) {
    case "VALIDATION_FAILED":
    case "CONFIG_INVALID":
    case "RANGE_INVALID":
      return "BAD_REQUEST";
    case "UNAUTHORIZED":
    case "SECURITY_REJECTED":
      return "UNAUTHORIZED";
    case "FORBIDDEN":
      return "FORBIDDEN";
    case "NOT_FOUND":
      return "NOT_FOUND";
    case "CONFLICT":
    case "SEQ_CONFLICT":
      return "CONFLICT";
    case "RATE_LIMITED":
      return "TOO_MANY_REQUESTS";
    case "UNSUPPORTED":
      return "METHOD_NOT_SUPPORTED";
    case "UNAVAILABLE":
      return "SERVICE_UNAVAILABLE";
    case "DEVICE_UNREACHABLE":
    case "DEVICE_EXCEPTION":
    case "PROTOCOL_ERROR":
    case "BUFFER_CORRUPT":
    case "BUFFER_FULL":
    case "INTERNAL":
      return "INTERNAL_SERVER_ERROR";
  }
}

/** Extra `data` the brain adds to every error shape. */
export interface WeftErrorData {
  /** The WeftError code when the error came from one. */
  weftCode: WeftErrorCode | null;
  /** Fields that failed validation, named by dotted path (`readings[3].ts`). */
  fields: FieldIssue[] | null;
  fix: string | null;
  /** Machine-readable facts for the caller's recovery (SEQ_CONFLICT: seq, lastSeq; UNAVAILABLE: retryAfterS). */
  details: Record<string, unknown> | null;
}

/** WeftError codes whose `details` are part of the answer (others may hold internals). */
const PUBLIC_DETAILS = new Set<WeftErrorCode>(["SEQ_CONFLICT", "UNAVAILABLE"]);

/** Seconds a client should wait before retrying a request the database could not serve. */
export const RETRY_AFTER_S = 5;

/** SQLSTATEs of a database that is down, restarting, full of connections or refusing this one. */
const DB_DOWN_SQLSTATE = /^(08...|57P0[123]|53300|55000|3D000)$/;
/** postgres.js and Node socket error codes of a lost or refused connection. */
const DB_DOWN_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

/**
 * Whether an error (or one of its causes) says the database cannot be reached right now, as
 * opposed to a bug or a bad request: a request failing this way may succeed later (503).
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let i = 0; i < 6 && typeof e === "object" && e !== null; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (DB_DOWN_SQLSTATE.test(code) || DB_DOWN_CODES.has(code))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && /PGlite is closed|database is closed/i.test(message)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The WeftError a caller gets when the database cannot be reached (503, Retry-After). */
export function unavailable(cause: unknown): WeftError {
  return new WeftError("UNAVAILABLE", "the database is unavailable; try again shortly", {
    fix: `retry after ${RETRY_AFTER_S} s (Retry-After); nothing of this request was stored`,
    details: { retryAfterS: RETRY_AFTER_S },
    cause,
  });
}

/** Wrap any thrown value as a TRPCError with the right code, keeping the cause. */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (isWeftError(err))
    return new TRPCError({ code: trpcCodeFor(err.code), message: err.message, cause: err });
  if (err instanceof ZodError)
    return new TRPCError({ code: "BAD_REQUEST", message: summarize(err), cause: err });
  if (isDatabaseUnavailable(err)) {
    const e = unavailable(err);
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: e.message, cause: e });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "internal error", cause: err });
}

function summarize(err: ZodError): string {
  const issues = formatZodIssues(err);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return first ? `${first.field}: ${first.message}${more}` : "invalid input";
}

/** Builds the `data` part of an error shape from a TRPCError and its cause. */
export function errorData(error: TRPCError): WeftErrorData {
  const cause: unknown = error.cause;
  if (cause instanceof ZodError)
    return { weftCode: "VALIDATION_FAILED", fields: formatZodIssues(cause), fix: null, details: null };
  const weft = isWeftError(cause) ? cause : isDatabaseUnavailable(cause) ? unavailable(cause) : null;
  if (weft) {
    return {
      weftCode: weft.code,
      fields: weft.field ? [{ field: weft.field, message: weft.message }] : null,
      fix: weft.fix ?? null,
      details: PUBLIC_DETAILS.has(weft.code) ? (weft.details ?? null) : null,
    };
  }
  return { weftCode: null, fields: null, fix: null, details: null };
}

/** The tRPC code an error should carry: a WeftError cause decides, else a zod cause is BAD_REQUEST. */
export function effectiveCode(error: TRPCError): TRPC_ERROR_CODE_KEY {
  const cause: unknown = error.cause;
  if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "BAD_REQUEST") {
    if (isWeftError(cause)) return trpcCodeFor(cause.code);
    if (cause instanceof ZodError) return "BAD_REQUEST";
    if (isDatabaseUnavailable(cause)) return "SERVICE_UNAVAILABLE";
  }
  return error.code;
}

interface BaseShape {
  message: string;
  code: number;
  data: { code: string; httpStatus: number; path?: string; stack?: string };
}

/** tRPC error formatter: maps WeftError codes, names invalid fields, hides internals. */
export function formatError<TShape extends BaseShape>(opts: {
  shape: TShape;
  error: TRPCError;
}): TShape & { data: TShape["data"] & WeftErrorData } {
  const { shape, error } = opts;
  const code = effectiveCode(error);
  const data = errorData(error);
  let message = shape.message;
  if (error.cause instanceof ZodError) message = summarize(error.cause);
  if (code === "INTERNAL_SERVER_ERROR") message = "internal error";
  if (code === "SERVICE_UNAVAILABLE" && !isWeftError(error.cause)) message = unavailable(null).message;
  return {
    ...shape,
    message,
    code: TRPC_ERROR_CODES_BY_KEY[code],
    data: {
      ...shape.data,
      ...data,
      code,
      httpStatus: getHTTPStatusCodeFromError(new TRPCError({ code })),
      stack: undefined,
    },
  };
}
