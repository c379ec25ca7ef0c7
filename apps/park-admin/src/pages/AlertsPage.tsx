import { AlertRulesPanel } from "../components/AlertRulesPanel.tsx";
import { AlertsTable } from "../components/AlertsTable.tsx";
import { useI18n } from "../i18n/index.tsx";

/** Alerts (open → acknowledged → resolved, with who and when) and the rules that raise them. */
export function AlertsPage() {
  const { t } = useI18n();
  return (
    <section className="stack" aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">{t("alerts.title")}</h1>
      </div>
      <AlertsTable />
      <section className="panel stack" aria-labelledby="rules-title">
        <h2 id="rules-title">{t("alerts.rules.title")}</h2>
        <AlertRulesPanel />
      </section>
    </section>
  );
}
