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
    return {
      animation: false,
      grid: { left: 56, right: 56, top: 40, bottom: 32 },
      legend: { top: 0, left: 0 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "time", axisLabel: { formatter: (v: number) => date(new Date(v)), hideOverlap: true } },
      yAxis: [
        { type: "value", name: t("enterprise.output"), axisLabel: { formatter: (v: number) => num(v) } },
        {
          type: "value",
          name: t("enterprise.oee"),
          min: 0,
          max: 100,
          axisLabel: { formatter: (v: number) => pct(v / 100, 0) },
        },
      ],
      series: [
        {
          type: "bar",
          name: t("enterprise.output"),
          color: PALETTE[0],
          data: s.map((p) => [p.start, p.produced]),
        },
        {
          type: "bar",
          name: t("enterprise.energy"),
          color: PALETTE[2],
          data: s.map((p) => [p.start, energy.get(p.start) ?? 0]),
        },
        {
          type: "line",
          name: t("enterprise.oee"),
          yAxisIndex: 1,
          color: PALETTE[1],
          data: s.map((p) => [p.start, p.oee === null ? null : Math.round(p.oee * 1000) / 10]),
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
          <Chart option={option} label={t("enterprise.trends")} />
        </>
      )}
    </section>
  );
}
