import { type ReactNode, useCallback, useMemo } from "react";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { DAY_MS } from "../lib/range.ts";
import { Link } from "../lib/router.tsx";
import type { RouterOutputs } from "../trpc.ts";
import { Chart, PALETTE } from "./Chart.tsx";
import { CoverageHistoryChart } from "./CoverageHistoryChart.tsx";
import { ParksCoverageTable } from "./ParksCoverageTable.tsx";
import { StatCard, tone } from "./StatCard.tsx";

export type OverviewData = RouterOutputs["coverage"]["overview"];

function IndustriesChart({ data }: { data: OverviewData }) {
  const { t, date } = useI18n();
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 36, right: 16, top: 36, bottom: 32 },
      legend: { top: 0, left: 0 },
      tooltip: { trigger: "axis" },
      xAxis: {
        type: "time",
        minInterval: DAY_MS, // daily points: no repeated dates on a short history
        axisLabel: { formatter: (v: number) => date(new Date(v)), hideOverlap: true },
      },
      yAxis: {
        type: "value",
        min: 0,
        max: Math.max(3, ...data.history.map((h) => h.industries ?? 0)),
        minInterval: 1,
      },
      series: [
        {
          type: "line",
          step: "end",
          name: t("overview.industriesHistory"),
          color: PALETTE[3],
          areaStyle: { opacity: 0.12 },
          data: data.history.map((h) => [h.day, h.industries]),
          markLine: {
            symbol: "none",
            silent: true,
            lineStyle: { type: "dashed", color: "#64748b" },
            label: { formatter: "{b}", position: "insideEndTop", color: "#334155" },
            data: data.targets.industries.map((x) => ({
              yAxis: x.count,
              name: t("overview.targetLine", { year: x.year, value: x.count }),
            })),
          },
        },
      ],
    }),
    [data, t, date],
  );
  return <Chart option={option} label={t("overview.industriesHistory")} height={220} />;
}

/** Performance marks (read by the UI bench): data arrived → overview and first parks page painted. */
export const MARK_DATA = "weft:overview:data";
export const MARK_RENDERED = "weft:overview:rendered";
export function markDataArrived(): void {
  performance.clearMarks(MARK_RENDERED);
  performance.mark(MARK_DATA);
}

/** The parks needing attention: not digitalized, least covered first (at most 10, from the server). */
function AttentionList({ parks }: { parks: OverviewData["attention"] }) {
  const { t, pct, num, locale } = useI18n();
  if (parks.length === 0) return <p className="muted">{t("overview.attentionNone")}</p>;
  return (
    <ol className="attention" data-testid="overview-attention">
      {parks.map((p) => (
        <li key={p.id} data-attention-park={p.id}>
          <Link href={`/parks/${p.id}`}>{nameOf(locale, p)}</Link>{" "}
          <span className="muted">
            {pct(p.enterpriseRatio)} · {num(p.coveredEnterprises)} / {num(p.enterprises)}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The city overview from its data; the parks table below it pages on the server. */
export function OverviewView({ data, actions }: { data: OverviewData; actions?: ReactNode }) {
  const { t, pct, num, dateTime, locale } = useI18n();
  const painted = useCallback(() => {
    if (performance.getEntriesByName(MARK_RENDERED).length === 0) performance.mark(MARK_RENDERED);
  }, []);
  const tot = data.totals;
  const targetMarks = data.targets.parkCoverage.map((x) => ({
    label: t("overview.targetLine", { year: x.year, value: pct(x.ratio, 0) }),
    at: x.ratio,
  }));
  const final = data.targets.industries[data.targets.industries.length - 1];
  return (
    <section aria-labelledby="overview-title" className="stack">
      <div className="page-head">
        <div>
          <h1 id="overview-title">{t("overview.title", { city: nameOf(locale, data.city) })}</h1>
          <p className="muted">{t("common.updated", { time: dateTime(data.computedAt) })}</p>
        </div>
        {actions && <div className="toolbar">{actions}</div>}
      </div>
      <div className="stats">
        <StatCard
          id="stat-park-coverage"
          title={t("overview.parkCoverage")}
          value={pct(tot.parkRatio)}
          raw={tot.parkRatio}
          sub={t("overview.parksDigitalized", { covered: num(tot.parksDigitalized), total: num(tot.parks) })}
          progress={tot.parkRatio}
          targets={targetMarks}
          tone={tone(tot.parkRatio, 1, 0.8)}
        />
        <StatCard
          id="stat-enterprise-coverage"
          title={t("overview.enterpriseCoverage")}
          value={pct(tot.enterpriseRatio)}
          raw={tot.enterpriseRatio}
          sub={t("overview.enterprisesCovered", {
            covered: num(tot.enterprisesCovered),
            total: num(tot.enterprises),
          })}
          progress={tot.enterpriseRatio}
          targets={targetMarks}
          tone={tone(tot.enterpriseRatio, 1, 0.8)}
        />
        <StatCard
          id="stat-industries"
          title={t("overview.industries")}
          value={num(tot.industries)}
          raw={tot.industries}
          sub={t("overview.industriesOf", {
            count: num(tot.industries),
            target: num(final?.count ?? 3),
            year: final?.year ?? 2025,
          })}
          progress={(tot.industries ?? 0) / (final?.count ?? 3)}
          targets={data.targets.industries.map((x) => ({
            label: t("overview.targetLine", { year: x.year, value: num(x.count) }),
            at: x.count / (final?.count ?? 3),
          }))}
          tone={tone(tot.industries, final?.count ?? 3, 1)}
        />
      </div>
      <div className="grid-2">
        <section className="panel" aria-labelledby="history-title">
          <h2 id="history-title">{t("overview.history")}</h2>
          <CoverageHistoryChart history={data.history} series={["park", "enterprise"]} />
        </section>
        <section className="panel" aria-labelledby="industries-title">
          <h2 id="industries-title">{t("overview.industriesHistory")}</h2>
          <IndustriesChart data={data} />
        </section>
      </div>
      <section className="panel" aria-labelledby="attention-title">
        <h2 id="attention-title">{t("overview.attention")}</h2>
        <AttentionList parks={data.attention} />
      </section>
      <section className="panel" aria-labelledby="parks-table-title">
        <h2 id="parks-table-title">{t("overview.parksTable")}</h2>
        <ParksCoverageTable testId="overview-parks" onPainted={painted} />
      </section>
    </section>
  );
}
