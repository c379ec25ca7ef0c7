import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { ErrorAlert } from "./FormAlerts.tsx";
import { Loading, QueryError } from "./States.tsx";

type Alert = RouterOutputs["alerts"]["list"]["items"][number];
const STATUSES = ["unresolved", "open", "acknowledged", "resolved", "all"] as const;
type StatusFilter = (typeof STATUSES)[number];

const RATIO_KINDS = new Set(["oee-below", "coverage-below"]);

/** An alert's figure: a ratio as a percentage, a time as a duration. */
export function useAlertValue() {
  const { pct, duration } = useI18n();
  return (kind: string, v: number | null) =>
    v === null ? "—" : RATIO_KINDS.has(kind) ? pct(v) : duration(v * 60_000);
}

/** Alerts the caller may see, filtered by status, with acknowledge / resolve and their history. */
export function AlertsTable() {
  const { t, dateTime, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const value = useAlertValue();
  const [status, setStatus] = useState<StatusFilter>("unresolved");
  const input = status === "all" ? {} : { status };
  const q = useQuery({ ...trpc.alerts.list.queryOptions(input), refetchInterval: 30_000 });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.alerts.list.pathKey() });
  const ack = useMutation(trpc.alerts.acknowledge.mutationOptions({ onSuccess: () => void refresh() }));
  const resolve = useMutation(trpc.alerts.resolve.mutationOptions({ onSuccess: () => void refresh() }));
  const history = (a: Alert) =>
    a.history.map((h) => {
      const who = h.actor ?? t("alerts.history.system");
      return t(`alerts.history.${h.action}` as MessageKey, {
        who,
        time: dateTime(h.at ? new Date(h.at) : null),
      });
    });
  return (
    <div className="stack">
      <div className="toolbar">
        <label className="field">
          <span>{t("alerts.status")}</span>
          <select
            value={status}
            data-testid="alert-status-filter"
            onChange={(e) => setStatus(e.target.value as StatusFilter)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`alerts.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorAlert error={ack.error ?? resolve.error} />
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="muted" data-testid="alerts-empty">
          {t("alerts.empty")}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="alerts">
            <thead>
              <tr>
                <th scope="col">{t("alerts.col.rule")}</th>
                <th scope="col">{t("alerts.col.subject")}</th>
                <th scope="col" className="num">
                  {t("alerts.col.value")}
                </th>
                <th scope="col">{t("alerts.col.opened")}</th>
                <th scope="col">{t("alerts.status")}</th>
                <th scope="col">{t("alerts.col.history")}</th>
                <th scope="col">
                  <span className="sr-only">{t("alerts.acknowledge")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((a) => (
                <tr key={a.id} data-alert-id={a.id} data-status={a.status}>
                  <th scope="row">
                    {a.ruleName}
                    <div className="small muted">{t(`alerts.kind.${a.kind}` as MessageKey)}</div>
                  </th>
                  <td>{nameOf(locale, { name: a.subjectLabel, nameEn: a.subjectLabelEn })}</td>
                  <td className="num">{value(a.kind, a.value)}</td>
                  <td>{dateTime(a.openedAt ? new Date(a.openedAt) : null)}</td>
                  <td>
                    <span
                      className={
                        a.status === "resolved"
                          ? "badge badge-good"
                          : a.status === "open"
                            ? "badge badge-bad"
                            : "badge"
                      }
                    >
                      {t(`alerts.status.${a.status}` as MessageKey)}
                    </span>
                  </td>
                  <td className="small" data-testid="alert-history">
                    {history(a).map((line) => (
                      <div key={line}>{line}</div>
                    ))}
                  </td>
                  <td className="btn-group">
                    {a.status === "open" && (
                      <button
                        type="button"
                        className="btn btn-xs"
                        onClick={() => ack.mutate({ alert: a.id })}
                      >
                        {t("alerts.acknowledge")}
                      </button>
                    )}
                    {a.status !== "resolved" && (
                      <button
                        type="button"
                        className="btn btn-xs"
                        onClick={() => resolve.mutate({ alert: a.id })}
                      >
                        {t("alerts.resolve")}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
