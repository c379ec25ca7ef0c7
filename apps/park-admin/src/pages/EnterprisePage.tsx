import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { CoverageChecklist } from "../components/CoverageChecklist.tsx";
import { type DeclarableItem, DeclareDialog } from "../components/DeclareDialog.tsx";
import { EnterpriseTrends } from "../components/EnterpriseTrends.tsx";
import { MachineTable } from "../components/MachineTable.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useUser } from "../lib/session.tsx";
import { useTRPC } from "../trpc.ts";

export function EnterprisePage({ enterpriseId }: { enterpriseId: number }) {
  const { t, num, locale } = useI18n();
  const trpc = useTRPC();
  const user = useUser();
  const [declaring, setDeclaring] = useState<DeclarableItem | null>(null);
  const q = useQuery(trpc.coverage.enterprise.queryOptions({ enterpriseId }));
  const live = useSubscription(
    trpc.coverage.machineStates.subscriptionOptions({ enterpriseId, intervalMs: 2_000 }),
  );
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  const e = q.data.enterprise;
  if (!e) return <QueryError error={{ message: "not found" }} />;
  const machines = live.data?.machines ?? q.data.machines;
  const now = live.data ? new Date(live.data.at).getTime() : q.dataUpdatedAt;
  const canDeclare = user.role !== "enterprise-user";
  return (
    <section className="stack" aria-labelledby="ent-title">
      <div className="page-head">
        <div>
          {user.role !== "enterprise-user" && (
            <Link href={`/parks/${q.data.park.id}`} className="crumb">
              ← {nameOf(locale, q.data.park)}
            </Link>
          )}
          <h1 id="ent-title">{nameOf(locale, e)}</h1>
          <span
            className={e.coverage.covered ? "badge badge-good" : "badge badge-bad"}
            data-testid="enterprise-status"
          >
            {e.coverage.covered ? t("park.covered") : t("park.notCovered")}
          </span>
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>{t("enterprise.creditCode")}</dt>
          <dd className="mono">{e.creditCode}</dd>
        </div>
        <div>
          <dt>{t("enterprise.industry")}</dt>
          <dd>
            {e.industryCode} {e.industryName ? (locale === "en" ? e.industryName.en : e.industryName.zh) : ""}
          </dd>
        </div>
        <div>
          <dt>{t("enterprise.aboveScale")}</dt>
          <dd>{e.aboveScale ? t("common.yes") : t("common.no")}</dd>
        </div>
        <div>
          <dt>{t("park.machines")}</dt>
          <dd>
            {num(e.connectedMachines)} / {num(e.declaredMachines)}
          </dd>
        </div>
      </dl>
      <div className="grid-2">
        <section className="panel" aria-labelledby="ent-machines-title">
          <h2 id="ent-machines-title">
            {t("enterprise.machines")}
            {live.status === "pending" && (
              <span
                className="live-dot"
                title={t("enterprise.live")}
                role="img"
                aria-label={t("enterprise.live")}
              />
            )}
          </h2>
          <MachineTable machines={machines} now={now} />
        </section>
        <section className="panel" aria-labelledby="ent-checklist-title">
          <h2 id="ent-checklist-title">{t("park.checklist")}</h2>
          <CoverageChecklist items={e.coverage.items} {...(canDeclare ? { onDeclare: setDeclaring } : {})} />
        </section>
      </div>
      <EnterpriseTrends enterpriseId={e.id} />
      {declaring && (
        <DeclareDialog item={declaring} target={{ enterpriseId: e.id }} onClose={() => setDeclaring(null)} />
      )}
    </section>
  );
}
