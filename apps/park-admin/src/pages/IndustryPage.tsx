import { useQuery } from "@tanstack/react-query";
import { Fragment, useMemo, useState } from "react";
import { Chart, PALETTE } from "../components/Chart.tsx";
import { Rankings } from "../components/Rankings.tsx";
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
  const [picked, setPicked] = useState<string | null>(null);
  // By default explain the weakest industry that has a number at all.
  const weakest = [...rows].filter((r) => r.oee !== null).sort((a, b) => (a.oee ?? 0) - (b.oee ?? 0))[0];
  const explained = rows.find((r) => r.code === picked) ?? weakest ?? rows[0];
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
          <div className="grid-2">
            <section className="panel" aria-labelledby="rank-title">
              <h2 id="rank-title">{t("rank.title")}</h2>
              <Rankings range={range} />
            </section>
            {explained && (
              <section className="panel" aria-labelledby="pulls-title">
                <h2 id="pulls-title">
                  {t("rank.pullsDown", {
                    industry: `${explained.code} ${locale === "en" ? explained.en : explained.zh}`,
                  })}
                </h2>
                <label className="field">
                  <span>{t("industry.name")}</span>
                  <select
                    value={explained.code}
                    onChange={(e) => setPicked(e.target.value)}
                    data-testid="explain-industry"
                  >
                    {rows.map((r) => (
                      <option key={r.code} value={r.code}>
                        {r.code} {locale === "en" ? r.en : r.zh}
                      </option>
                    ))}
                  </select>
                </label>
                <Rankings
                  key={explained.code}
                  range={range}
                  industry={explained.code}
                  initial={{ kind: "machine", by: "oee", order: "worst" }}
                  testId="industry-pulls-down"
                />
              </section>
            )}
          </div>
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
