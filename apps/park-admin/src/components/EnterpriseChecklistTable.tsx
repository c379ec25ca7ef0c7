import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import type { RouterOutputs } from "../trpc.ts";
import { type DeclarableItem, DeclareDialog, isDeclarable } from "./DeclareDialog.tsx";
import { Freshness } from "./Freshness.tsx";
import { ItemCell } from "./ItemCell.tsx";

type Enterprise = RouterOutputs["coverage"]["park"]["enterprises"][number];
type Rule = RouterOutputs["coverage"]["park"]["rules"][number];

/** Rows drawn at once: a park of thousands of enterprises draws one page, not every row. */
const PAGE = 50;

/** Every enterprise of a park with every checklist item: ✓/✗, measured or declared (who, when). */
export function EnterpriseChecklistTable(props: {
  enterprises: Enterprise[];
  rules: Rule[];
  canDeclare: boolean;
  now: number;
}) {
  const { t, num, locale, list } = useI18n();
  const [onlyUncovered, setOnly] = useState(false);
  const [declaring, setDeclaring] = useState<{ enterpriseId: number; item: DeclarableItem } | null>(null);
  const items = props.rules.filter((r) => r.level === "enterprise");
  const [page, setPage] = useState(1);
  const all = onlyUncovered ? props.enterprises.filter((e) => !e.coverage.covered) : props.enterprises;
  const pages = Math.max(1, Math.ceil(all.length / PAGE));
  const at = Math.min(page, pages);
  const rows = all.slice((at - 1) * PAGE, at * PAGE);
  return (
    <>
      <label className="check">
        <input
          type="checkbox"
          checked={onlyUncovered}
          onChange={(e) => {
            setOnly(e.target.checked);
            setPage(1);
          }}
        />
        <span>{t("park.onlyUncovered")}</span>
      </label>
      <p className="legend">{t("source.legend")}</p>
      <div className="table-wrap">
        <table className="table table-checklist" data-testid="enterprise-checklist">
          <thead>
            <tr>
              <th scope="col">{t("park.enterpriseCol")}</th>
              <th scope="col">{t("park.status")}</th>
              {items.map((r) => (
                <th scope="col" key={r.item}>
                  {t(`item.${r.item as Enterprise["coverage"]["items"][number]["item"]}`)}
                  {r.required && <abbr title={t("mark.required")}>*</abbr>}
                </th>
              ))}
              <th scope="col" className="num">
                {t("park.machines")}
              </th>
              <th scope="col">{t("park.freshness")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((e) => (
              <tr key={e.id} data-enterprise-id={e.id} data-covered={e.coverage.covered}>
                <th scope="row">
                  <Link href={`/enterprises/${e.id}`}>{nameOf(locale, e)}</Link>
                  <div className="muted small">{e.industryCode}</div>
                </th>
                <td>
                  <span className={e.coverage.covered ? "badge badge-good" : "badge badge-bad"}>
                    {e.coverage.covered ? t("park.covered") : t("park.notCovered")}
                  </span>
                  {e.coverage.missing.length > 0 && (
                    <div className="missing small">
                      {t("park.missingList", { items: list(e.coverage.missing.map((m) => t(`item.${m}`))) })}
                    </div>
                  )}
                </td>
                {e.coverage.items.map((r) => {
                  const item = r.item;
                  return (
                    <td key={item}>
                      <ItemCell
                        r={r}
                        {...(props.canDeclare && isDeclarable(item)
                          ? { onDeclare: () => setDeclaring({ enterpriseId: e.id, item }) }
                          : {})}
                      />
                    </td>
                  );
                })}
                <td className="num">
                  {num(e.connectedMachines)} / {num(e.declaredMachines)}
                </td>
                <td>
                  <Freshness at={e.lastDataAt} now={props.now} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className="pager" aria-label={t("park.pages")}>
          <span className="muted" data-testid="enterprise-range">
            {t("park.range", {
              from: num((at - 1) * PAGE + 1),
              to: num(Math.min(all.length, at * PAGE)),
              total: num(all.length),
            })}
          </span>
          <button
            type="button"
            className="btn btn-xs"
            data-testid="enterprise-prev"
            disabled={at <= 1}
            onClick={() => setPage(at - 1)}
          >
            {t("parks.prev")}
          </button>
          <span>{t("parks.page", { page: num(at), pages: num(pages) })}</span>
          <button
            type="button"
            className="btn btn-xs"
            data-testid="enterprise-next"
            disabled={at >= pages}
            onClick={() => setPage(at + 1)}
          >
            {t("parks.next")}
          </button>
        </nav>
      )}
      {declaring && (
        <DeclareDialog
          item={declaring.item}
          target={{ enterpriseId: declaring.enterpriseId }}
          onClose={() => setDeclaring(null)}
        />
      )}
    </>
  );
}
