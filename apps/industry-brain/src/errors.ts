import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { type FieldIssue, formatZodIssues, isWeftError, type WeftErrorCode } from "@weft/core";
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
      return "CONFLICT";
    case "RATE_LIMITED":
      return "TOO_MANY_REQUESTS";
    case "UNSUPPORTED":
      return "METHOD_NOT_SUPPORTED";
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
}

/** Wrap any thrown value as a TRPCError with the right code, keeping the cause. */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (isWeftError(err))
    return new TRPCError({ code: trpcCodeFor(err.code), message: err.message, cause: err });
  if (err instanceof ZodError)
    return new TRPCError({ code: "BAD_REQUEST", message: summarize(err), cause: err });
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
    return { weftCode: "VALIDATION_FAILED", fields: formatZodIssues(cause), fix: null };
  if (isWeftError(cause)) {
    return {
      weftCode: cause.code,
      fields: cause.field ? [{ field: cause.field, message: cause.message }] : null,
      fix: cause.fix ?? null,
    };
  }
  return { weftCode: null, fields: null, fix: null };
}

/** The tRPC code an error should carry: a WeftError cause decides, else a zod cause is BAD_REQUEST. */
export function effectiveCode(error: TRPCError): TRPC_ERROR_CODE_KEY {
  const cause: unknown = error.cause;
  if (error.code === "INTERNAL_SERVER_ERROR" || error.code === "BAD_REQUEST") {
    if (isWeftError(cause)) return trpcCodeFor(cause.code);
    if (cause instanceof ZodError) return "BAD_REQUEST";
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
