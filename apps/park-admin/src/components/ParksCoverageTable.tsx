import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { PARK_PAGE_SIZE } from "../lib/paging.ts";
import { Link } from "../lib/router.tsx";
import { type RouterInputs, useTRPC } from "../trpc.ts";
import { Freshness } from "./Freshness.tsx";
import { Loading, QueryError } from "./States.tsx";

export type ParkTableInput = RouterInputs["coverage"]["parkTable"];
type Sort = NonNullable<ParkTableInput["sort"]>;
type Dir = NonNullable<ParkTableInput["dir"]>;

/** The first page as the table asks for it (the overview page starts this query with its own). */
export function firstParkPage(locale: "zh-CN" | "en"): ParkTableInput {
  return { page: 1, pageSize: PARK_PAGE_SIZE, sort: "coverage", dir: "asc", q: "", locale };
}

const COLUMNS: { sort: Sort | null; label: MessageKey; num?: boolean }[] = [
  { sort: "name", label: "parks.name" },
  { sort: null, label: "park.status" },
  { sort: "coverage", label: "park.coverage", num: true },
  { sort: "enterprises", label: "parks.enterprises", num: true },
  { sort: "machines", label: "park.machines", num: true },
  { sort: null, label: "park.missing" },
  { sort: "freshness", label: "park.freshness" },
];

/**
 * The parks table (least covered first by default), one page at a time from `coverage.parkTable`:
 * the server sorts, searches and pages, so a city of 1,000 parks sends 25 rows.
 * `onPainted` runs once the first page with data is on screen (the overview's performance mark).
 */
export function ParksCoverageTable({ testId, onPainted }: { testId: string; onPainted?: () => void }) {
  const { t, num, pct, locale, list } = useI18n();
  const trpc = useTRPC();
  const searchId = useId();
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<Sort>("coverage");
  const [dir, setDir] = useState<Dir>("asc");
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  // Search as the user types, once they pause.
  useEffect(() => {
    const next = draft.trim();
    if (next === q) return;
    const id = setTimeout(() => {
      setQ(next);
      setPage(1);
    }, 250);
    return () => clearTimeout(id);
  }, [draft, q]);
  const input: ParkTableInput = { page, pageSize: PARK_PAGE_SIZE, sort, dir, q, locale };
  const query = useQuery({
    ...trpc.coverage.parkTable.queryOptions(input),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  const painted = data !== undefined && !query.isPlaceholderData;
  useEffect(() => {
    if (!painted || !onPainted) return;
    const id = requestAnimationFrame(() => onPainted());
    return () => cancelAnimationFrame(id);
  }, [painted, onPainted]);
  if (query.isError && !data) return <QueryError error={query.error} onRetry={() => query.refetch()} />;
  if (!data) return <Loading />;
  const total = data.total;
  const pages = Math.max(1, Math.ceil(total / PARK_PAGE_SIZE));
  const from = total === 0 ? 0 : (page - 1) * PARK_PAGE_SIZE + 1;
  const to = Math.min(total, page * PARK_PAGE_SIZE);
  const sortBy = (s: Sort) => {
    if (s === sort) setDir(dir === "asc" ? "desc" : "asc");
    else {
      setSort(s);
      setDir(s === "name" || s === "coverage" ? "asc" : "desc");
    }
    setPage(1);
  };
  const now = new Date(data.computedAt).getTime();
  return (
    <div className="stack" data-testid={`${testId}-wrap`}>
      <div className="toolbar table-tools">
        <label htmlFor={searchId} className="sr-only">
          {t("parks.search")}
        </label>
        <input
          id={searchId}
          type="search"
          className="input"
          data-testid={`${testId}-search`}
          placeholder={t("parks.search")}
          value={draft}
          maxLength={100}
          onChange={(e) => setDraft(e.target.value)}
        />
        <span className="muted" aria-live="polite" data-testid={`${testId}-range`}>
          {t("parks.range", { from: num(from), to: num(to), total: num(total) })}
        </span>
      </div>
      <div className="table-wrap">
        <table className="table" data-testid={testId} aria-busy={query.isFetching}>
          <caption className="sr-only">{t("overview.parksTable")}</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.label}
                  scope="col"
                  className={c.num ? "num" : undefined}
                  aria-sort={
                    c.sort && c.sort === sort ? (dir === "asc" ? "ascending" : "descending") : undefined
                  }
                >
                  {c.sort ? (
                    <button
                      type="button"
                      className="th-sort"
                      data-sort={c.sort}
                      onClick={() => sortBy(c.sort as Sort)}
                    >
                      {t(c.label)}
                      <span aria-hidden="true">{c.sort === sort ? (dir === "asc" ? " ▲" : " ▼") : ""}</span>
                    </button>
                  ) : (
                    t(c.label)
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.rows.map((p) => (
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
      {data.rows.length === 0 && <p className="muted">{t(q ? "parks.noMatch" : "parks.empty")}</p>}
      <nav className="pager" aria-label={t("parks.pages")}>
        <button
          type="button"
          className="btn btn-xs"
          data-testid={`${testId}-prev`}
          disabled={page <= 1}
          onClick={() => setPage(page - 1)}
        >
          {t("parks.prev")}
        </button>
        <span data-testid={`${testId}-page`}>{t("parks.page", { page: num(page), pages: num(pages) })}</span>
        <button
          type="button"
          className="btn btn-xs"
          data-testid={`${testId}-next`}
          disabled={page >= pages}
          onClick={() => setPage(page + 1)}
        >
          {t("parks.next")}
        </button>
      </nav>
    </div>
  );
}
