import { useI18n } from "../i18n/index.tsx";

/** Switches between zh-CN and English; the choice is remembered in localStorage. */
export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  const next = locale === "zh-CN" ? "en" : "zh-CN";
  return (
    <button
      type="button"
      className="btn btn-ghost locale-switch"
      lang={next}
      aria-label={`${t("locale.label")}: ${t("locale.switch")}`}
      data-testid="locale-switch"
      onClick={() => setLocale(next)}
    >
      {t("locale.switch")}
    </button>
  );
}
