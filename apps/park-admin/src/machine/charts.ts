import type { ChartOption } from "../components/Chart.tsx";
import { PALETTE } from "../components/Chart.tsx";
import type { I18n } from "../i18n/index.tsx";
import type { WaterfallBar } from "./losses.ts";

export const STATE_COLORS: Record<string, string> = {
  running: "#0f9d76",
  idle: "#d97706",
  setup: "#1d5bd8",
  down: "#dc2626",
  offline: "#9ca3af",
};
export const TIMELINE_STATES = ["running", "setup", "idle", "down", "offline"] as const;

/** A Gantt of state spans, one row per state, with a slider to zoom from the range to an hour. */
export function timelineOption(
  spans: readonly { start: number; end: number; state: string }[],
  range: { from: number; to: number },
  i: Pick<I18n, "t" | "dateTime" | "duration">,
): ChartOption {
  const rows = TIMELINE_STATES.map((s) => i.t(`state.${s}`));
  return {
    animation: false,
    grid: { left: 88, right: 24, top: 8, bottom: 64 },
    tooltip: {
      formatter: (p: { value: [number, number, number] }) =>
        `${rows[p.value[0]] ?? ""}: ${i.dateTime(new Date(p.value[1]))} – ${i.dateTime(new Date(p.value[2]))} (${i.duration(p.value[2] - p.value[1])})`,
    },
    xAxis: {
      type: "time",
      min: range.from,
      max: range.to,
      axisLabel: { hideOverlap: true, formatter: (v: number) => i.dateTime(new Date(v)) },
    },
    yAxis: { type: "category", data: rows, inverse: true },
    dataZoom: [
      {
        type: "slider",
        xAxisIndex: 0,
        filterMode: "weakFilter",
        minValueSpan: 3_600_000,
        labelFormatter: (v: number) => i.dateTime(new Date(v)),
      },
      { type: "inside", xAxisIndex: 0, filterMode: "weakFilter", minValueSpan: 3_600_000 },
    ],
    series: [
      {
        type: "custom",
        encode: { x: [1, 2], y: 0 },
        renderItem: (
          _params: unknown,
          api: {
            value: (d: number) => number;
            coord: (v: [number, number]) => [number, number];
            size: (v: [number, number]) => [number, number];
            style: () => Record<string, unknown>;
          },
        ) => {
          const row = api.value(0);
          const [x0, y] = api.coord([api.value(1), row]);
          const [x1] = api.coord([api.value(2), row]);
          const h = api.size([0, 1])[1] * 0.7;
          return {
            type: "rect",
            shape: { x: x0, y: y - h / 2, width: Math.max(1, x1 - x0), height: h },
            style: api.style(),
          };
        },
        data: spans.map((s) => ({
          value: [Math.max(0, TIMELINE_STATES.indexOf(s.state as never)), s.start, s.end],
          itemStyle: { color: STATE_COLORS[s.state] ?? "#9ca3af" },
        })),
      },
    ],
  };
}

/** The loss waterfall as stacked bars: an invisible base under each loss. Hours, via Intl. */
export function waterfallOption(bars: readonly WaterfallBar[], i: Pick<I18n, "t" | "num">): ChartOption {
  const names = bars.map((b) => i.t(`machine.loss.${b.step}`));
  return {
    animation: false,
    grid: { left: 64, right: 16, top: 36, bottom: 56 },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v: number) => `${i.num(v, 1)} ${i.t("machine.hours")}`,
    },
    xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: 20 } },
    yAxis: {
      type: "value",
      name: i.t("machine.hours"),
      nameGap: 14,
      axisLabel: { formatter: (v: number) => i.num(v, 1) },
    },
    series: [
      {
        type: "bar",
        stack: "w",
        silent: true,
        itemStyle: { color: "transparent" },
        tooltip: { show: false },
        data: bars.map((b) => b.base),
      },
      {
        type: "bar",
        stack: "w",
        name: i.t("machine.hours"),
        label: { show: true, position: "top", formatter: (p: { value: number }) => i.num(p.value, 1) },
        data: bars.map((b) => ({
          value: b.value,
          itemStyle: { color: b.kind === "total" ? PALETTE[0] : "#dc2626" },
        })),
      },
    ],
  };
}
