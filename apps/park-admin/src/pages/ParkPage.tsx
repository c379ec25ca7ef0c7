import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { CoverageChecklist } from "../components/CoverageChecklist.tsx";
import { CoverageHistoryChart } from "../components/CoverageHistoryChart.tsx";
import { type DeclarableItem, DeclareDialog } from "../components/DeclareDialog.tsx";
import { EnterpriseChecklistTable } from "../components/EnterpriseChecklistTable.tsx";
import { ExportButtons } from "../components/ExportButtons.tsx";
import { Freshness } from "../components/Freshness.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { useUser } from "../lib/session.tsx";
import { useTRPC } from "../trpc.ts";

export function ParkPage({ parkId }: { parkId: number }) {
  const { t, pct, num, locale } = useI18n();
  const trpc = useTRPC();
  const user = useUser();
  const [declaring, setDeclaring] = useState<DeclarableItem | null>(null);
  const q = useQuery(trpc.coverage.park.queryOptions({ parkId, days: 365 }));
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  const { park, enterprises, rules, history } = q.data;
  const canDeclare = user.role !== "enterprise-user";
  const now = q.dataUpdatedAt;
  return (
    <section className="stack" aria-labelledby="park-title">
      <div className="page-head">
        <div>
          <h1 id="park-title">{nameOf(locale, park)}</h1>
          <p>
            <span
              className={park.coverage.digitalized ? "badge badge-good" : "badge badge-bad"}
              data-testid="park-status"
            >
              {park.coverage.digitalized ? t("park.digitalized") : t("park.notDigitalized")}
            </span>
          </p>
        </div>
        <ExportButtons parkId={park.id} />
      </div>
      <dl className="facts">
        <div>
          <dt>{t("park.coverage")}</dt>
          <dd data-testid="park-coverage" data-value={park.coverage.enterpriseRatio ?? ""}>
            {pct(park.coverage.enterpriseRatio)} ({num(park.coveredEnterprises)} / {num(park.enterprises)})
          </dd>
        </div>
        <div>
          <dt>{t("park.machines")}</dt>
          <dd>
            {num(park.connectedMachines)} / {num(park.declaredMachines)}
          </dd>
        </div>
        <div>
          <dt>{t("park.freshness")}</dt>
          <dd>
            <Freshness at={park.lastDataAt} now={now} />
          </dd>
        </div>
      </dl>
      <div className="grid-2">
        <section className="panel" aria-labelledby="park-checklist-title">
          <h2 id="park-checklist-title">{t("park.checklist")}</h2>
          <CoverageChecklist
            items={park.coverage.items}
            {...(canDeclare ? { onDeclare: setDeclaring } : {})}
          />
        </section>
        <section className="panel" aria-labelledby="park-history-title">
          <h2 id="park-history-title">{t("park.history")}</h2>
          <CoverageHistoryChart
            history={[
              ...history.map((h) => ({ day: h.day, enterpriseRatio: h.ratio })),
              ...(history.some((h) => h.day === q.data.today)
                ? []
                : [{ day: q.data.today, enterpriseRatio: park.coverage.enterpriseRatio }]),
            ]}
            series={["enterprise"]}
          />
        </section>
      </div>
      <section className="panel" aria-labelledby="park-enterprises-title">
        <h2 id="park-enterprises-title">{t("park.enterprises")}</h2>
        <EnterpriseChecklistTable enterprises={enterprises} rules={rules} canDeclare={canDeclare} now={now} />
      </section>
      {declaring && (
        <DeclareDialog item={declaring} target={{ parkId: park.id }} onClose={() => setDeclaring(null)} />
      )}
    </section>
  );
}
