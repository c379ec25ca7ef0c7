import type { ChartOption } from "../components/Chart.tsx";
import { PALETTE } from "../components/Chart.tsx";
import type { I18n } from "../i18n/index.tsx";

type Ratio = number | null;
export interface TrendPoint {
  start: number;
  end: number;
  name?: string;
  oee: Ratio;
  availability: Ratio;
  effectiveness: Ratio;
  quality: Ratio;
  runningRate: Ratio;
}

const KEYS = ["oee", "availability", "effectiveness", "quality", "runningRate"] as const;

/**
 * OEE, A, E, Q and 开机率 per shift or day. Ratios stay 0..1 and are shown through Intl's percent
 * format; a single point is drawn as a dot on a category axis so its label is not repeated.
 */
export function trendOption(
  points: readonly TrendPoint[],
  i: Pick<I18n, "t" | "pct" | "date" | "dateTime">,
  byShift: boolean,
): ChartOption {
  const label = (p: TrendPoint) =>
    byShift ? `${i.dateTime(new Date(p.start))}${p.name ? ` ${p.name}` : ""}` : i.date(new Date(p.start));
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 40, bottom: 40 },
    legend: { top: 0, left: 0 },
    tooltip: { trigger: "axis", valueFormatter: (v: number | null) => i.pct(v) },
    xAxis: { type: "category", data: points.map(label), axisLabel: { hideOverlap: true } },
    yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v: number) => i.pct(v, 0) } },
    series: KEYS.map((k, n) => ({
      type: "line",
      name: i.t(`machine.${k}`),
      color: PALETTE[n],
      showSymbol: points.length <= 31,
      symbolSize: points.length === 1 ? 10 : 4,
      connectNulls: false,
      data: points.map((p) => p[k]),
    })),
  };
}

/** A numeric signal: the mean as a line and, for bucketed ranges, the min–max envelope as a band. */
export function signalOption(
  points: readonly { ts: number; avg: number; min: number; max: number }[],
  bucketed: boolean,
  i: Pick<I18n, "t" | "num" | "dateTime">,
): ChartOption {
  const series: unknown[] = [
    {
      type: "line",
      name: i.t("machine.mean"),
      showSymbol: points.length === 1,
      color: PALETTE[0],
      data: points.map((p) => [p.ts, p.avg]),
    },
  ];
  if (bucketed) {
    series.push(
      {
        type: "line",
        stack: "env",
        name: i.t("machine.envelope"),
        lineStyle: { opacity: 0 },
        showSymbol: false,
        data: points.map((p) => [p.ts, p.min]),
      },
      {
        type: "line",
        stack: "env",
        name: i.t("machine.envelope"),
        lineStyle: { opacity: 0 },
        showSymbol: false,
        areaStyle: { color: PALETTE[0], opacity: 0.15 },
        tooltip: { show: false },
        data: points.map((p) => [p.ts, p.max - p.min]),
      },
    );
  }
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: "axis", valueFormatter: (v: number) => i.num(v, 2) },
    xAxis: {
      type: "time",
      axisLabel: { hideOverlap: true, formatter: (v: number) => i.dateTime(new Date(v)) },
    },
    yAxis: { type: "value", scale: true, axisLabel: { formatter: (v: number) => i.num(v, 2) } },
    series,
  };
}
