import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Chart } from "../components/Chart.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { lastDays } from "../lib/range.ts";
import { Link } from "../lib/router.tsx";
import { timelineOption } from "../machine/charts.ts";
import { machineKindKey } from "../machine/kinds.ts";
import { MachineJobs } from "../machine/MachineJobs.tsx";
import { MachineKpis } from "../machine/MachineKpis.tsx";
import { machinePageQueries, machineRef } from "../machine/queries.ts";
import { SignalPanel } from "../machine/SignalPanel.tsx";
import { useTRPC } from "../trpc.ts";

const RANGES = { day: 1, week: 7, month: 30 } as const;
type RangeKey = keyof typeof RANGES;

/** One machine: live signals, state timeline, loss waterfall, KPI trends, a signal chart and its jobs. */
export function MachinePage({ machineKey: ref }: { machineKey: string }) {
  const machineKey = machineRef(ref);
  const i = useI18n();
  const { t, locale, num } = i;
  const trpc = useTRPC();
  const [rangeKey, setRangeKey] = useState<RangeKey>("day");
  const [range, setRange] = useState(() => lastDays(1));
  const pick = (k: RangeKey) => {
    setRangeKey(k);
    setRange(lastDays(RANGES[k]));
  };
  // The panels' queries start now, in the overview's round trip, not after it answers.
  const [overviewQ, timelineQ, trendsQ, signalQ, jobsQ] = machinePageQueries(
    trpc,
    machineKey,
    range,
    rangeKey !== "month",
  );
  const overview = useQuery({ ...overviewQ, refetchInterval: 5_000 });
  const timeline = useQuery(timelineQ);
  useQuery(trendsQ);
  useQuery(signalQ);
  useQuery(jobsQ);
  if (overview.isPending) return <Loading />;
  if (overview.isError) return <QueryError error={overview.error} onRetry={() => overview.refetch()} />;
  const o = overview.data;
  const state = o.live.state ?? "offline";
  return (
    <section className="stack" aria-labelledby="machine-title" data-testid="machine-page">
      <div className="page-head">
        <div>
          {o.enterprise && (
            <Link href={`/enterprises/${o.enterprise.id}`} className="crumb">
              ← {nameOf(locale, o.enterprise)}
            </Link>
          )}
          <h1 id="machine-title">{o.machine.name}</h1>
          <span className={`state state-${state}`} data-state={state} data-testid="machine-state">
            <span className="dot" aria-hidden="true" />
            {t(`state.${state as "running"}`)}
          </span>
        </div>
        <fieldset className="segmented" aria-label={t("machine.range")}>
          {(Object.keys(RANGES) as RangeKey[]).map((k) => (
            <button
              key={k}
              type="button"
              className={k === rangeKey ? "btn btn-primary" : "btn"}
              aria-pressed={k === rangeKey}
              data-testid={`range-${k}`}
              onClick={() => pick(k)}
            >
              {t(`machine.range.${k}`)}
            </button>
          ))}
        </fieldset>
      </div>
      <dl className="facts">
        <div>
          <dt>{t("enterprise.kind")}</dt>
          <dd>{t(machineKindKey(o.machine.kind))}</dd>
        </div>
        <div>
          <dt>{t("machine.idealCycle")}</dt>
          <dd>
            {o.machine.idealCycleS === null
              ? "—"
              : t("machine.seconds", { value: num(o.machine.idealCycleS, 2) })}
          </dd>
        </div>
        {o.park && (
          <div>
            <dt>{t("parks.name")}</dt>
            <dd>{nameOf(locale, o.park)}</dd>
          </div>
        )}
        <div>
          <dt>{t("machine.job")}</dt>
          <dd className="mono">{o.live.jobId ?? "—"}</dd>
        </div>
      </dl>
      <MachineKpis machine={machineKey} range={range} byShift={rangeKey !== "month"} />
      <section className="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t("machine.timeline")}</h2>
        {timeline.isPending ? (
          <Loading />
        ) : timeline.isError ? (
          <QueryError error={timeline.error} onRetry={() => timeline.refetch()} />
        ) : timeline.data.spans.length === 0 ? (
          <p className="muted">{t("machine.noTimeline")}</p>
        ) : (
          <>
            <p className="muted small">{t("machine.timelineHint")}</p>
            <div data-testid="machine-timeline">
              <Chart
                option={timelineOption(timeline.data.spans, range, i)}
                label={t("machine.timeline")}
                height={260}
              />
            </div>
          </>
        )}
      </section>
      <SignalPanel machine={machineKey} signals={o.signals} range={range} />
      <MachineJobs machine={machineKey} range={range} />
    </section>
  );
}
