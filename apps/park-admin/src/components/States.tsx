import { useI18n } from "../i18n/index.tsx";
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

export function QueryError({ error, onRetry }: { error: { message: string } | null; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="state state-error" role="alert">
      <p>{t("common.error", { message: error?.message ?? "?" })}</p>
      {onRetry && (
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
