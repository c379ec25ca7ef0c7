import { useQuery } from "@tanstack/react-query";
import { Chart } from "../components/Chart.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { useTRPC } from "../trpc.ts";
import { waterfallOption } from "./charts.ts";
import { lossWaterfall } from "./losses.ts";
import { kpiInput } from "./queries.ts";
import { trendOption } from "./trend-charts.ts";

/** Headline KPIs of the range, the ISO 22400 loss waterfall and the per-shift (or per-day) trends. */
export function MachineKpis({
  machine,
  range,
  byShift,
}: {
  machine: string | number;
  range: { from: number; to: number };
  byShift: boolean;
}) {
  const i = useI18n();
  const { t, pct, duration } = i;
  const trpc = useTRPC();
  const q = useQuery(trpc.machinePage.trends.queryOptions(kpiInput(machine, range, byShift)));
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  const k = q.data.totals;
  const hours = (s: number | null) => (s === null ? "—" : duration(s * 1000));
  const facts: [string, string, string][] = [
    ["oee", t("machine.oee"), pct(k.oee)],
    ["availability", t("machine.availability"), pct(k.availability)],
    ["effectiveness", t("machine.effectiveness"), pct(k.effectiveness)],
    ["quality", t("machine.quality"), pct(k.quality)],
    ["running-rate", t("machine.runningRate"), pct(k.runningRate)],
    ["mtbf", t("machine.mtbf"), hours(k.mtbfS)],
    ["mttr", t("machine.mttr"), hours(k.mttrS)],
  ];
  return (
    <>
      <dl className="facts" data-testid="machine-kpis">
        {facts.map(([id, label, value]) => (
          <div key={id}>
            <dt>{label}</dt>
            <dd data-testid={`kpi-${id}`}>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="grid-2">
        <section className="panel" aria-labelledby="losses-title">
          <h2 id="losses-title">{t("machine.losses")}</h2>
          <div data-testid="machine-losses">
            <Chart option={waterfallOption(lossWaterfall(q.data.elements), i)} label={t("machine.losses")} />
          </div>
        </section>
        <section className="panel" aria-labelledby="mtrends-title">
          <h2 id="mtrends-title">{t("machine.trends")}</h2>
          <div data-testid="machine-trends">
            <Chart option={trendOption(q.data.series, i, byShift)} label={t("machine.trends")} />
          </div>
        </section>
      </div>
    </>
  );
}
