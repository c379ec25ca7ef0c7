import { useQuery } from "@tanstack/react-query";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useTRPC } from "../trpc.ts";
import { Loading, QueryError } from "./States.tsx";

/** Enterprises the caller may see. */
export function EnterprisesPanel() {
  const { t, num, locale } = useI18n();
  const trpc = useTRPC();
  const q = useQuery(trpc.enterprises.list.queryOptions({ limit: 500 }));
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} />;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="enterprises">
        <thead>
          <tr>
            <th scope="col">{t("park.enterpriseCol")}</th>
            <th scope="col">{t("parks.name")}</th>
            <th scope="col">{t("enterprise.creditCode")}</th>
            <th scope="col">{t("enterprise.industry")}</th>
            <th scope="col">{t("enterprise.aboveScale")}</th>
            <th scope="col" className="num">
              {t("park.machines")}
            </th>
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((e) => (
            <tr key={e.id}>
              <th scope="row">
                <Link href={`/enterprises/${e.id}`}>{nameOf(locale, e)}</Link>
              </th>
              <td>{e.parkName}</td>
              <td className="mono">{e.creditCode}</td>
              <td>
                {e.industryCode} {e.industry ? (locale === "en" ? e.industry.en : e.industry.zh) : ""}
              </td>
              <td>{e.aboveScale ? t("common.yes") : t("common.no")}</td>
              <td className="num">
                {num(e.machines)} / {num(e.declaredMachines)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
