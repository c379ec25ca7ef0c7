/**
 * Every error Weft throws on purpose is a `WeftError` with a string-literal `code`.
 * Recognise errors by `code` (see {@link isWeftError}), never by `instanceof`:
 * a plugin may bundle its own copy of this package.
 */
export type WeftErrorCode =
  | "CONFIG_INVALID"
  | "VALIDATION_FAILED"
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  /** A batch reuses a (gateway, seq) the brain stored with different content. */
  | "SEQ_CONFLICT"
  | "RATE_LIMITED"
  | "DEVICE_UNREACHABLE"
  | "DEVICE_EXCEPTION"
  | "PROTOCOL_ERROR"
  | "SECURITY_REJECTED"
  | "BUFFER_CORRUPT"
  | "BUFFER_FULL"
  | "RANGE_INVALID"
  | "UNSUPPORTED"
  /** A dependency (the database) is down for now; the same request may succeed later. */
  | "UNAVAILABLE"
  | "INTERNAL";

export interface WeftErrorOptions {
  cause?: unknown;
  /** Dotted path of the offending field, e.g. `devices[0].points[3].address`. */
  field?: string;
  /** One sentence telling the user how to fix it. */
  fix?: string;
  details?: Record<string, unknown>;
}

export class WeftError extends Error {
  override readonly name = "WeftError";
  readonly code: WeftErrorCode;
  readonly field: string | undefined;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: WeftErrorCode, message: string, options: WeftErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
    this.fix = options.fix;
    this.details = options.details;
  }

  /** Plain object safe to log or send over the wire (no stack, no cause chain). */
  toJSON(): { code: WeftErrorCode; message: string; field?: string; fix?: string } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.fix ? { fix: this.fix } : {}),
    };
  }
}

/**
 * Duck-typed check that works across bundled copies of this package.
 * @example if (isWeftError(err, "CONFIG_INVALID")) console.error(err.field, err.fix);
 */
export function isWeftError(err: unknown, code?: WeftErrorCode): err is WeftError {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === "WeftError" && typeof e.code === "string" && (code === undefined || e.code === code);
}
