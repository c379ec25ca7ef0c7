import type { ECharts, EChartsCoreOption } from "echarts/core";
import { useEffect, useRef } from "react";

/**
 * ECharts (most of the app's JavaScript) is its own chunk, asked for as soon as the app starts: it
 * downloads and compiles while the app's first requests are at the brain, instead of delaying them.
 */
const echartsReady = import("./echarts-setup.ts");

export type ChartOption = EChartsCoreOption;

/**
 * An Apache ECharts chart that resizes with its box. `label` describes it for screen readers;
 * pass a `summary` table nearby for the numbers.
 */
export function Chart({
  option,
  label,
  height = 280,
}: {
  option: ChartOption;
  label: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const latest = useRef(option);
  latest.current = option;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let gone = false;
    let ro: ResizeObserver | null = null;
    void echartsReady.then(({ echarts }) => {
      if (gone) return;
      // The box's size comes from the ResizeObserver, after the browser's own layout: asked by
      // ECharts (clientWidth, getComputedStyle) it forced a layout of the whole page per chart,
      // which on the machine page (four charts, two tables) cost more than drawing them.
      ro = new ResizeObserver(([entry]) => {
        if (!entry) return;
        const size = { width: entry.contentRect.width, height: entry.contentRect.height };
        if (chart.current) {
          chart.current.resize(size);
          return;
        }
        const c = echarts.init(el, undefined, { renderer: "canvas", ...size });
        chart.current = c;
        c.setOption(latest.current, { notMerge: true });
      });
      ro.observe(el);
    });
    return () => {
      gone = true;
      ro?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={ref} className="chart" role="img" aria-label={label} style={{ height }} />;
}

/** Shared look: the app's palette and fonts. */
export const PALETTE = ["#1d5bd8", "#0f9d76", "#d97706", "#7c3aed", "#dc2626", "#0891b2"];
