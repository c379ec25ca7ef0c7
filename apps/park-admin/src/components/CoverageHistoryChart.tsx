import { useMemo } from "react";
import { useI18n } from "../i18n/index.tsx";
import { DAY_MS } from "../lib/range.ts";
import { Chart, PALETTE } from "./Chart.tsx";

export interface HistoryPoint {
  day: string;
  parkRatio?: number | null;
  enterpriseRatio?: number | null;
}

/** Coverage over time with the 80% (2022) and 100% (2025) target lines. */
export function CoverageHistoryChart({
  history,
  series,
}: {
  history: HistoryPoint[];
  series: ("park" | "enterprise")[];
}) {
  const { t, pct, date, locale } = useI18n();
  const option = useMemo(() => {
    const lines = [
      { yAxis: 80, name: t("overview.targetLine", { year: 2022, value: pct(0.8, 0) }) },
      { yAxis: 100, name: t("overview.targetLine", { year: 2025, value: pct(1, 0) }) },
    ];
    const make = (
      key: "parkRatio" | "enterpriseRatio",
      name: string,
      color: string,
      withTargets: boolean,
    ) => ({
      type: "line",
      name,
      smooth: false,
      showSymbol: history.length < 40,
      color,
      data: history.map((h) => [
        h.day,
        h[key] === null || h[key] === undefined ? null : Math.round((h[key] ?? 0) * 1000) / 10,
      ]),
      ...(withTargets
        ? {
            markLine: {
              symbol: "none",
              silent: true,
              lineStyle: { type: "dashed", color: "#64748b" },
              label: { formatter: "{b}", position: "insideEndTop", color: "#334155" },
              data: lines,
            },
          }
        : {}),
    });
    const s = [
      ...(series.includes("park")
        ? [make("parkRatio", t("overview.parkCoverage"), PALETTE[0] ?? "#1d5bd8", true)]
        : []),
      ...(series.includes("enterprise")
        ? [
            make(
              "enterpriseRatio",
              t("overview.enterpriseCoverage"),
              PALETTE[1] ?? "#0f9d76",
              !series.includes("park"),
            ),
          ]
        : []),
    ];
    return {
      animation: false,
      grid: { left: 48, right: 24, top: 36, bottom: 32 },
      legend: { top: 0, left: 0 },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: number | null) => (v === null ? "—" : pct(v / 100)),
      },
      xAxis: {
        type: "time",
        // Daily points: ticks closer than a day repeated a date ("Dec 6, Dec 6") on a short history.
        minInterval: DAY_MS,
        axisLabel: { formatter: (v: number) => date(new Date(v)), hideOverlap: true },
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: (v: number) => pct(v / 100, 0) } },
      series: s,
    };
  }, [history, series, t, pct, date, locale]);
  return <Chart option={option} label={t("overview.history")} />;
}
