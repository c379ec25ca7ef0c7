import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo } from "react";
import { Chart, type ChartOption } from "../components/Chart.tsx";
import { errorText } from "../components/States.tsx";
import { type Locale, type MessageKey, useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { displayToken, errorCode, type RouterOutputs, useTRPC } from "../trpc.ts";

type Wall = RouterOutputs["display"]["wall"];
const STATES = ["running", "idle", "setup", "down", "offline", "never"] as const;
const REFRESH_MS = 30_000;

/** Font size for the chart in pixels, scaled to the screen (1080 p → 18 px, 2160 p → 36 px). */
const chartFont = () => Math.round((typeof window === "undefined" ? 1080 : window.innerHeight) / 60);

function useOeeChart(w: Wall | undefined, locale: Locale, label: string): ChartOption {
  return useMemo(() => {
    const rows = w?.industries ?? [];
    const fs = chartFont();
    const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
    const axisPct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 0 });
    return {
      textStyle: { color: "#e2e8f0", fontSize: fs },
      grid: { left: "3%", right: "8%", top: "4%", bottom: "4%", containLabel: true },
      xAxis: {
        type: "value",
        max: 1,
        interval: 0.5,
        axisLabel: { color: "#94a3b8", fontSize: fs * 0.8, formatter: (v: number) => axisPct.format(v) },
        splitLine: { lineStyle: { color: "#1e3a8a" } },
      },
      yAxis: {
        type: "category",
        data: rows.map((r) => (locale === "en" ? r.en : r.zh)),
        axisLabel: { color: "#e2e8f0", fontSize: fs * 0.8, width: fs * 9, overflow: "truncate" },
      },
      series: [
        {
          type: "bar",
          name: label,
          data: rows.map((r) => r.oee ?? 0),
          barMaxWidth: fs * 2,
          itemStyle: { color: "#34d399" },
          label: {
            show: true,
            position: "right",
            color: "#f8fafc",
            fontSize: fs,
            formatter: (p: { dataIndex: number }) => {
              const v = rows[p.dataIndex]?.oee;
              return v === null || v === undefined ? "—" : pct.format(v);
            },
          },
        },
      ],
    };
  }, [w, locale, label]);
}

/** The wall display (数据大屏): full-screen, refreshed every 30 s, read with a display token. */
export function WallPage() {
  const { t, pct, num, dateTime, locale, setLocale, setTimeZone } = useI18n();
  const trpc = useTRPC();
  const token = displayToken();
  useEffect(() => {
    const lang = new URLSearchParams(location.hash.slice(1)).get("lang");
    if (lang === "en" || lang === "zh-CN") setLocale(lang);
  }, [setLocale]);
  const q = useQuery({
    ...trpc.display.wall.queryOptions({}),
    enabled: token !== null,
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: true,
    retry: false,
  });
  const oee = useOeeChart(q.data, locale, t("wall.oeeByIndustry"));
  const zone = q.data?.timeZone;
  useEffect(() => setTimeZone(zone), [zone, setTimeZone]);
  useEffect(() => {
    if (q.data) document.title = t("wall.title", { name: nameOf(locale, q.data.park ?? q.data.city) });
  }, [q.data, locale, t]);
  if (token === null)
    return (
      <div className="wall-message" role="alert">
        {t("wall.noToken")}
      </div>
    );
  if (q.isError && !q.data) {
    const revoked = errorCode(q.error) === "UNAUTHORIZED";
    return (
      <div className="wall-message" role="alert" data-testid="wall-error">
        {revoked ? t("wall.revoked") : errorText(t, q.error)}
      </div>
    );
  }
  if (!q.data) return <div className="wall-message">{t("common.loading")}</div>;
  const w = q.data;
  const cov = w.coverage;
  const onTarget = cov.parkRatio !== null && cov.parkRatio >= cov.target;
  return (
    <main className="wall" data-testid="wall" aria-labelledby="wall-title">
      <header className="wall-head">
        <h1 id="wall-title">{t("wall.title", { name: nameOf(locale, w.park ?? w.city) })}</h1>
        <span data-testid="wall-updated">{t("wall.updated", { time: dateTime(new Date(w.now)) })}</span>
      </header>
      <section className="wall-card" aria-labelledby="wall-coverage" data-testid="wall-coverage">
        <h2 id="wall-coverage">{t("wall.coverage")}</h2>
        <div className={onTarget ? "wall-big" : "wall-big wall-bad"} data-value={cov.parkRatio ?? ""}>
          {pct(cov.parkRatio)}
        </div>
        <div className="wall-bar" aria-hidden="true">
          <span style={{ width: `${Math.min(1, cov.parkRatio ?? 0) * 100}%` }} />
          <i style={{ left: `${Math.min(1, cov.target) * 100}%` }} />
        </div>
        <div>
          {t("wall.target", { value: pct(cov.target, 0) })} ·{" "}
          {t("wall.enterpriseCoverage", { value: pct(cov.enterpriseRatio) })}
        </div>
        <ul className="wall-list">
          {cov.parks.map((p) => (
            <li key={p.id}>
              <span>{nameOf(locale, p)}</span>
              <span>
                {pct(p.enterpriseRatio)} · {t(p.digitalized ? "wall.digitalized" : "wall.notDigitalized")}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="wall-card" aria-labelledby="wall-machines" data-testid="wall-machines">
        <h2 id="wall-machines">{t("wall.machines")}</h2>
        <div className="wall-big" data-value={w.machines.total}>
          {num(w.machines.total)}
        </div>
        <div>{t("wall.machinesTotal")}</div>
        <div className="wall-states">
          {STATES.map((s) => (
            <div className="wall-state" key={s} data-state={s}>
              <b>{num(w.machines.byState[s] ?? 0)}</b>
              {t((s === "never" ? "wall.state.never" : `state.${s}`) as MessageKey)}
            </div>
          ))}
        </div>
      </section>
      <section className="wall-card" aria-labelledby="wall-oee" data-testid="wall-oee">
        <h2 id="wall-oee">{t("wall.oeeByIndustry")}</h2>
        {w.industries.length === 0 ? (
          <p>{t("wall.noData")}</p>
        ) : (
          <Chart option={oee} label={t("wall.oeeByIndustry")} height={Math.round(chartFont() * 10)} />
        )}
        <ul className="wall-list">
          {w.industries.map((i) => (
            <li key={i.code}>
              <span>{locale === "en" ? i.en : i.zh}</span>
              <span>
                {t("industry.oee")} {pct(i.oee)} · {t("wall.runningRate")} {pct(i.runningRate)}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section
        className="wall-card wall-wide"
        aria-labelledby="wall-alerts"
        data-testid="wall-alerts"
        aria-live="polite"
      >
        <h2 id="wall-alerts">{t("wall.alerts")}</h2>
        {w.alerts.length === 0 ? (
          <p>{t("wall.noAlerts")}</p>
        ) : (
          <ul className="wall-list wall-ticker">
            {w.alerts.map((a) => (
              <li key={a.id} className={a.status === "open" ? "wall-open" : undefined}>
                <span>
                  {a.ruleName} · {nameOf(locale, { name: a.subjectLabel, nameEn: a.subjectLabelEn })}
                </span>
                <span>
                  {t(`alerts.status.${a.status}` as MessageKey)} · {dateTime(new Date(a.openedAt))}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="wall-card" aria-labelledby="wall-parks">
        <h2 id="wall-parks">{t("wall.parks")}</h2>
        <div className="wall-big" data-value={cov.parks.length}>
          {num(cov.parks.filter((p) => p.digitalized).length)} / {num(cov.parks.length)}
        </div>
        <div>{t("wall.digitalized")}</div>
      </section>
    </main>
  );
}
