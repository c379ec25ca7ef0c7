import { ParksCoverageTable } from "../components/ParksCoverageTable.tsx";
import { useI18n } from "../i18n/index.tsx";

/** Every park the caller may see, a page at a time, sorted and searched on the server. */
export function ParksPage() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="parks-title" className="stack">
      <div className="page-head">
        <h1 id="parks-title">{t("parks.title")}</h1>
      </div>
      <section className="panel">
        <ParksCoverageTable testId="parks-table" />
      </section>
    </section>
  );
}
