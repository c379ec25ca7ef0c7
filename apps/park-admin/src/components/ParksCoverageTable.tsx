import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import type { RouterOutputs } from "../trpc.ts";
import { Freshness } from "./Freshness.tsx";

type ParkRow = RouterOutputs["coverage"]["overview"]["parks"][number];

/** The parks table of the overview, least covered first. */
export function ParksCoverageTable({ parks, now }: { parks: ParkRow[]; now: number }) {
  const { t, num, pct, locale, list } = useI18n();
  const rows = [...parks].sort(
    (a, b) => (a.enterpriseRatio ?? -1) - (b.enterpriseRatio ?? -1) || a.id - b.id,
  );
  return (
    <div className="table-wrap">
      <table className="table" data-testid="overview-parks">
        <caption className="sr-only">{t("overview.parksTable")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("parks.name")}</th>
            <th scope="col">{t("park.status")}</th>
            <th scope="col" className="num">
              {t("park.coverage")}
            </th>
            <th scope="col" className="num">
              {t("parks.enterprises")}
            </th>
            <th scope="col" className="num">
              {t("park.machines")}
            </th>
            <th scope="col">{t("park.missing")}</th>
            <th scope="col">{t("park.freshness")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((p) => (
            <tr key={p.id} data-park-id={p.id}>
              <th scope="row">
                <Link href={`/parks/${p.id}`}>{nameOf(locale, p)}</Link>
              </th>
              <td>
                <span className={p.digitalized ? "badge badge-good" : "badge badge-bad"}>
                  {p.digitalized ? t("park.digitalized") : t("park.notDigitalized")}
                </span>
              </td>
              <td className="num">
                <span className="inline-bar" aria-hidden="true">
                  <span style={{ width: `${(p.enterpriseRatio ?? 0) * 100}%` }} />
                </span>
                {pct(p.enterpriseRatio)}
              </td>
              <td className="num">
                {num(p.coveredEnterprises)} / {num(p.enterprises)}
              </td>
              <td className="num">
                {num(p.connectedMachines)} / {num(p.declaredMachines)}
              </td>
              <td>{p.missing.length ? list(p.missing.map((m) => t(`item.${m}`))) : t("common.none")}</td>
              <td>
                <Freshness at={p.lastDataAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
