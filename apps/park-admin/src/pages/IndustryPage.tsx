import { useQuery } from "@tanstack/react-query";
import { Fragment, useMemo, useState } from "react";
import { Chart, PALETTE } from "../components/Chart.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { lastDays } from "../lib/range.ts";
import { type RouterOutputs, useTRPC } from "../trpc.ts";

const DAYS = 7;
type Summary = RouterOutputs["industries"]["summary"];
type Figures = Summary["total"];

function FigureCells({ f }: { f: Figures }) {
  const { pct, num } = useI18n();
  return (
    <>
      <td className="num">
        {num(f.connected)} / {num(f.machines)}
      </td>
      <td className="num">{pct(f.runningRate)}</td>
      <td className="num">{pct(f.oee)}</td>
      <td className="num">{num(f.produced)}</td>
      <td className="num">{num(f.energyKwh, 1)}</td>
    </>
  );
}

/** 产业大脑: per GB/T 4754 division, connected machines, 开机率, OEE, output and energy, per park. */
export function IndustryPage() {
  const { t, pct, locale } = useI18n();
  const trpc = useTRPC();
  const [range] = useState(() => lastDays(DAYS));
  const q = useQuery(trpc.industries.summary.queryOptions({ range }));
  const rows = q.data?.industries ?? [];
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 16, top: 40, bottom: 56 },
      legend: { top: 0, left: 0 },
      tooltip: { trigger: "axis", valueFormatter: (v: number | null) => (v === null ? "—" : pct(v / 100)) },
      xAxis: {
        type: "category",
        data: rows.map((r) => `${r.code} ${locale === "en" ? r.en : r.zh}`),
        axisLabel: { interval: 0, width: 110, overflow: "truncate" },
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: (v: number) => pct(v / 100, 0) } },
      series: [
        {
          type: "bar",
          name: t("industry.runningRate"),
          color: PALETTE[0],
          data: rows.map((r) => (r.runningRate === null ? null : r.runningRate * 100)),
        },
        {
          type: "bar",
          name: t("industry.oee"),
          color: PALETTE[1],
          data: rows.map((r) => (r.oee === null ? null : r.oee * 100)),
        },
      ],
    }),
    [rows, t, pct, locale],
  );
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  return (
    <section className="stack" aria-labelledby="industry-title">
      <div className="page-head">
        <div>
          <h1 id="industry-title">{t("industry.title")}</h1>
          <p className="muted">{t("industry.range", { days: DAYS })}</p>
        </div>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{t("industry.empty")}</p>
      ) : (
        <>
          <section className="panel" aria-labelledby="industry-chart-title">
            <h2 id="industry-chart-title">
              {t("industry.runningRate")} / {t("industry.oee")}
            </h2>
            <Chart option={option} label={`${t("industry.runningRate")} / ${t("industry.oee")}`} />
          </section>
          <div className="table-wrap">
            <table className="table" data-testid="industries">
              <thead>
                <tr>
                  <th scope="col">{t("industry.name")}</th>
                  <th scope="col">{t("parks.name")}</th>
                  <th scope="col" className="num">
                    {t("industry.machines")}
                  </th>
                  <th scope="col" className="num">
                    {t("industry.runningRate")}
                  </th>
                  <th scope="col" className="num">
                    {t("industry.oee")}
                  </th>
                  <th scope="col" className="num">
                    {t("industry.output")}
                  </th>
                  <th scope="col" className="num">
                    {t("industry.energy")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <Fragment key={r.code}>
                    <tr data-industry={r.code} className="row-group">
                      <th scope="row">
                        <span className="mono">{r.code}</span> {locale === "en" ? r.en : r.zh}
                      </th>
                      <td>{t("common.total")}</td>
                      <FigureCells f={r} />
                    </tr>
                    {r.byPark.map((p) => (
                      <tr key={`${r.code}-${p.parkId}`} className="row-sub">
                        <td />
                        <td>{nameOf(locale, { name: p.parkName, nameEn: p.parkNameEn })}</td>
                        <FigureCells f={p} />
                      </tr>
                    ))}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
