import { useQuery } from "@tanstack/react-query";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useTRPC } from "../trpc.ts";

/** Every park the caller may see (`parks.list`). */
export function ParksPage() {
  const { t, num, locale } = useI18n();
  const trpc = useTRPC();
  const q = useQuery(trpc.parks.list.queryOptions({ limit: 500 }));
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  const items = q.data.items;
  return (
    <section aria-labelledby="parks-title">
      <div className="page-head">
        <h1 id="parks-title">{t("parks.title")}</h1>
      </div>
      {items.length === 0 ? (
        <p className="muted">{t("parks.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="parks-table">
            <thead>
              <tr>
                <th scope="col">{t("parks.name")}</th>
                <th scope="col">{t("parks.city")}</th>
                <th scope="col" className="num">
                  {t("parks.enterprises")}
                </th>
                <th scope="col" className="num">
                  {t("parks.machines")}
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <th scope="row">
                    <Link href={`/parks/${p.id}`}>{(locale === "en" ? p.nameEn : null) ?? p.name}</Link>
                  </th>
                  <td>{nameOf(locale, { name: p.cityName, nameEn: p.cityNameEn })}</td>
                  <td className="num">{num(p.enterprises)}</td>
                  <td className="num">{num(p.machines)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
