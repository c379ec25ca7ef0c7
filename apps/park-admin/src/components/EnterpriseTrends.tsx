import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { lastDays } from "../lib/range.ts";
import { useTRPC } from "../trpc.ts";
import { Chart, PALETTE } from "./Chart.tsx";
import { Loading, QueryError } from "./States.tsx";

/** OEE, output and energy per day for the last two weeks (ISO 22400, summed then divided by the brain). */
export function EnterpriseTrends({ enterpriseId }: { enterpriseId: number }) {
  const { t, pct, num, date } = useI18n();
  const trpc = useTRPC();
  const [range] = useState(() => lastDays(14));
  const input = { scope: { kind: "enterprise" as const, id: enterpriseId }, range, bucket: "day" as const };
  const oee = useQuery(trpc.kpi.oee.queryOptions(input));
  const el = useQuery(trpc.kpi.elements.queryOptions(input));
  const option = useMemo(() => {
    const s = oee.data?.series ?? [];
    const energy = new Map((el.data?.series ?? []).map((p) => [p.start, p.elements.energyKwh]));
    // A category axis of formatted days: one point is one label (a time axis repeats it), and
    // each quantity gets its own axis with its unit, labelled through Intl (never hand-rounded).
    const compact = (v: number) => num(v, v !== 0 && Math.abs(v) < 10 ? 1 : 0);
    return {
      animation: false,
      grid: { left: 64, right: 112, top: 64, bottom: 32 },
      legend: { top: 0, left: 0 },
      tooltip: { trigger: "axis" },
      xAxis: {
        type: "category",
        data: s.map((p) => date(new Date(p.start))),
        axisLabel: { hideOverlap: true },
      },
      yAxis: [
        {
          type: "value",
          name: t("enterprise.outputAxis"),
          minInterval: 1,
          axisLabel: { formatter: compact },
        },
        {
          type: "value",
          name: t("enterprise.oee"),
          min: 0,
          max: 1,
          axisLabel: { formatter: (v: number) => pct(v, 0) },
        },
        {
          type: "value",
          name: t("enterprise.energyAxis"),
          position: "right",
          offset: 56,
          axisLabel: { formatter: compact },
        },
      ],
      series: [
        {
          type: "bar",
          name: t("enterprise.output"),
          color: PALETTE[0],
          data: s.map((p) => p.produced),
        },
        {
          type: "bar",
          name: t("enterprise.energy"),
          yAxisIndex: 2,
          color: PALETTE[2],
          tooltip: { valueFormatter: (v: number) => `${num(v, 1)} kWh` },
          data: s.map((p) => energy.get(p.start) ?? 0),
        },
        {
          type: "line",
          name: t("enterprise.oee"),
          yAxisIndex: 1,
          color: PALETTE[1],
          symbolSize: s.length === 1 ? 10 : 4,
          tooltip: { valueFormatter: (v: number | null) => pct(v) },
          data: s.map((p) => p.oee),
        },
      ],
    };
  }, [oee.data, el.data, t, pct, num, date]);
  return (
    <section className="panel" aria-labelledby="trends-title">
      <h2 id="trends-title">{t("enterprise.trends")}</h2>
      {oee.isPending ? (
        <Loading />
      ) : oee.isError ? (
        <QueryError error={oee.error} onRetry={() => oee.refetch()} />
      ) : (
        <>
          <dl className="facts">
            <div>
              <dt>{t("enterprise.oee")}</dt>
              <dd data-testid="enterprise-oee">{pct(oee.data.totals.oee)}</dd>
            </div>
            <div>
              <dt>{t("industry.runningRate")}</dt>
              <dd>{pct(oee.data.totals.runningRate)}</dd>
            </div>
            <div>
              <dt>{t("enterprise.output")}</dt>
              <dd>{num(oee.data.elements.pq)}</dd>
            </div>
            <div>
              <dt>{t("enterprise.energy")}</dt>
              <dd>{num(oee.data.elements.energyKwh, 1)}</dd>
            </div>
          </dl>
          {oee.data.calendar === "default" || oee.data.calendar === "partial" ? (
            <p className="note" role="note" data-testid="calendar-note">
              {t(oee.data.calendar === "default" ? "kpi.calendarDefault" : "kpi.calendarPartial")}
            </p>
          ) : null}
          <Chart option={option} label={t("enterprise.trends")} />
        </>
      )}
    </section>
  );
}
