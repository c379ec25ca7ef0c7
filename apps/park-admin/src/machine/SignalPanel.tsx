import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Chart } from "../components/Chart.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { useTRPC } from "../trpc.ts";
import { signalInput } from "./queries.ts";
import { signalOption } from "./trend-charts.ts";

interface Signal {
  point: string;
  signal: string | null;
  ts: number;
  value: number | string | null;
  numeric: boolean;
  ageMs: number;
  freshness: "fresh" | "stale" | "offline";
}

const FRESH_CLASS = { fresh: "fresh-good", stale: "fresh-warn", offline: "fresh-bad" } as const;

/** Live signals with their age, and a chart of the chosen numeric one over the range. */
export function SignalPanel({
  machine,
  signals,
  range,
}: {
  machine: string | number;
  signals: readonly Signal[];
  range: { from: number; to: number };
}) {
  const i = useI18n();
  const { t, num, ago, dateTime } = i;
  const trpc = useTRPC();
  const numeric = signals.filter((s) => s.numeric);
  const [point, setPoint] = useState<string | null>(null);
  // Until one is picked, the brain chooses the point (the page asked for it with the overview).
  const series = useQuery(trpc.machinePage.signal.queryOptions(signalInput(machine, range, point)));
  const chosen = point ?? series.data?.point ?? null;
  return (
    <div className="grid-2">
      <section className="panel" aria-labelledby="signals-title">
        <h2 id="signals-title">{t("machine.live")}</h2>
        {signals.length === 0 ? (
          <p className="muted">{t("machine.noSignals")}</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="machine-signals">
              <thead>
                <tr>
                  <th scope="col">{t("machine.point")}</th>
                  <th scope="col">{t("machine.value")}</th>
                  <th scope="col">{t("machine.age")}</th>
                </tr>
              </thead>
              <tbody>
                {signals.map((s) => (
                  <tr key={s.point} data-point={s.point}>
                    <th scope="row" className="mono">
                      {s.point}
                    </th>
                    <td className="mono">
                      {typeof s.value === "number" ? num(s.value, 3) : (s.value ?? "—")}
                    </td>
                    <td>
                      <time
                        className={`fresh ${FRESH_CLASS[s.freshness]}`}
                        dateTime={new Date(s.ts).toISOString()}
                        title={dateTime(new Date(s.ts))}
                      >
                        {ago(s.ageMs)}
                      </time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="signal-chart-title">
        <h2 id="signal-chart-title">{t("machine.signalChart")}</h2>
        {numeric.length > 0 && (
          <label className="field">
            <span>{t("machine.signalPick")}</span>
            <select value={chosen ?? ""} onChange={(e) => setPoint(e.target.value)} data-testid="signal-pick">
              {numeric.map((s) => (
                <option key={s.point} value={s.point}>
                  {s.point}
                </option>
              ))}
            </select>
          </label>
        )}
        {series.isPending ? (
          <Loading />
        ) : series.isError ? (
          <QueryError error={series.error} onRetry={() => series.refetch()} />
        ) : chosen === null ? (
          <p className="muted">{t("machine.noSignals")}</p>
        ) : series.data.points.length === 0 ? (
          <p className="muted">{t("machine.noSignalData")}</p>
        ) : (
          <div data-testid="machine-signal-chart">
            <Chart
              option={signalOption(series.data.points, series.data.bucketMs !== null, i)}
              label={t("machine.signalChart")}
            />
          </div>
        )}
      </section>
    </div>
  );
}
