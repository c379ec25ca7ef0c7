import { type I18n, useI18n } from "../i18n/index.tsx";
import { Link } from "../lib/router.tsx";

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t("common.loading")}
    </div>
  );
}

export type ErrorKind =
  | "notFound"
  | "forbidden"
  | "signedOut"
  | "invalid"
  | "conflict"
  | "rateLimited"
  | "tooLarge"
  | "unavailable"
  | "server";

/** What went wrong, by the error's code (never its English message): one dictionary entry per kind. */
export function errorKind(error: unknown): ErrorKind {
  const data = (error as { data?: { code?: string; weftCode?: string | null; httpStatus?: number } } | null)
    ?.data;
  const code = data?.weftCode ?? data?.code ?? null;
  if (code === "NOT_FOUND" || data?.httpStatus === 404) return "notFound";
  if (code === "FORBIDDEN" || data?.httpStatus === 403) return "forbidden";
  if (code === "UNAUTHORIZED" || data?.httpStatus === 401) return "signedOut";
  if (code === "CONFLICT" || code === "SEQ_CONFLICT" || data?.httpStatus === 409) return "conflict";
  if (code === "RATE_LIMITED" || code === "TOO_MANY_REQUESTS" || data?.httpStatus === 429)
    return "rateLimited";
  if (code === "PAYLOAD_TOO_LARGE" || data?.httpStatus === 413) return "tooLarge";
  if (code === "VALIDATION_FAILED" || code === "RANGE_INVALID" || code === "BAD_REQUEST") return "invalid";
  if (data === undefined || code === "UNAVAILABLE" || data.httpStatus === 503) return "unavailable";
  return "server";
}

/** A failed call as one sentence of the active dictionary, chosen by the error's code. */
export function errorText(t: I18n["t"], error: unknown): string {
  return t(`error.${errorKind(error)}`);
}

/**
 * A failed query. Something outside the caller's walls (NOT_FOUND, FORBIDDEN) reads "no access"
 * with no Retry (retrying cannot help); other failures say what kind they are and offer a Retry.
 */
export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const kind = errorKind(error);
  const final = kind === "notFound" || kind === "forbidden";
  return (
    <div className="state state-error" role="alert" data-error={kind}>
      <p>{t(`error.${kind}`)}</p>
      {onRetry && !final && (
        <button type="button" className="btn" onClick={onRetry}>
          {t("common.retry")}
        </button>
      )}
    </div>
  );
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <div className="state">
      <h1>{t("notFound.title")}</h1>
      <Link href="/">{t("common.back")}</Link>
    </div>
  );
}

export function Forbidden() {
  const { t } = useI18n();
  return (
    <div className="state state-error" role="alert">
      <h1>{t("forbidden.title")}</h1>
      <Link href="/">{t("common.back")}</Link>
    </div>
  );
}
