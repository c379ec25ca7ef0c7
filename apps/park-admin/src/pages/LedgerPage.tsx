import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../components/FormAlerts.tsx";
import { LedgerSetup } from "../components/LedgerSetup.tsx";
import { Loading, QueryError } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { downloadBase64, nameOf } from "../lib/names.ts";
import { useUser } from "../lib/session.tsx";
import { zoneMidnight } from "../lib/zone.ts";
import { useTRPC } from "../trpc.ts";

/** A date (yyyy-mm-dd) to epoch ms at that day's midnight in the data's zone; `end` gives the next midnight. */
function dayMs(v: string, timeZone: string | undefined, end = false): number | undefined {
  if (!v) return undefined;
  const [y, m, d] = v.split("-").map(Number);
  return zoneMidnight(y ?? 1970, m ?? 1, (d ?? 1) + (end ? 1 : 0), timeZone);
}

/** The printer's job ledger per order: production, waste, machine hours, kWh and settlement. */
export function LedgerPage() {
  const { t, num, locale, dateTime, list, timeZone } = useI18n();
  const trpc = useTRPC();
  const user = useUser();
  const own = user.role === "enterprise-user" ? (user.enterpriseId ?? 0) : 0;
  const [f, setF] = useState({ enterprise: own, machine: 0, from: "", to: "", customer: "" });
  const ents = useQuery({ ...trpc.enterprises.list.queryOptions({ limit: 500 }), enabled: own === 0 });
  const machines = useQuery({
    ...trpc.machines.list.queryOptions({ enterprise: f.enterprise, limit: 500 }),
    enabled: f.enterprise > 0,
  });
  const input = {
    ...(f.enterprise ? { enterprise: f.enterprise } : {}),
    ...(f.machine ? { machine: f.machine } : {}),
    ...(f.customer ? { customer: f.customer } : {}),
    ...(f.from ? { from: dayMs(f.from, timeZone) } : {}),
    ...(f.to ? { to: dayMs(f.to, timeZone, true) } : {}),
  };
  const q = useQuery(trpc.orders.ledger.queryOptions(input));
  const qc = useQueryClient();
  const exp = useMutation({
    mutationFn: async () =>
      downloadBase64(await qc.fetchQuery(trpc.orders.export.queryOptions({ ...input, locale }))),
  });
  const money = new Intl.NumberFormat(locale, { style: "currency", currency: "CNY" });
  const hours = new Intl.NumberFormat(locale, { style: "unit", unit: "hour", maximumFractionDigits: 2 });
  const h = (s: number) => hours.format(s / 3600);
  return (
    <section className="stack" aria-labelledby="ledger-title">
      <div className="page-head">
        <h1 id="ledger-title">{t("ledger.title")}</h1>
        <button
          type="button"
          className="btn"
          data-testid="ledger-export"
          onClick={() => exp.mutate()}
          disabled={exp.isPending}
        >
          {t("ledger.export")}
        </button>
      </div>
      <ErrorAlert error={exp.error} />
      <div className="toolbar" data-testid="ledger-filters">
        {own === 0 && (
          <label className="field">
            <span>{t("ledger.enterprise")}</span>
            <select
              name="enterprise"
              value={f.enterprise}
              onChange={(e) => setF({ ...f, enterprise: Number(e.target.value), machine: 0 })}
            >
              <option value={0}>{t("ledger.all")}</option>
              {ents.data?.items.map((e) => (
                <option key={e.id} value={e.id}>
                  {nameOf(locale, e)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>{t("ledger.machine")}</span>
          <select
            name="machine"
            value={f.machine}
            disabled={!f.enterprise}
            onChange={(e) => setF({ ...f, machine: Number(e.target.value) })}
          >
            <option value={0}>{t("ledger.all")}</option>
            {machines.data?.items.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name || m.key}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("ledger.from")}</span>
          <input
            name="from"
            type="date"
            value={f.from}
            onChange={(e) => setF({ ...f, from: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("ledger.to")}</span>
          <input name="to" type="date" value={f.to} onChange={(e) => setF({ ...f, to: e.target.value })} />
        </label>
        <label className="field">
          <span>{t("ledger.customer")}</span>
          <input
            name="customer"
            value={f.customer}
            onChange={(e) => setF({ ...f, customer: e.target.value })}
          />
        </label>
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="muted" data-testid="ledger-empty">
          {t("ledger.empty")}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="ledger">
            <thead>
              <tr>
                <th scope="col">{t("ledger.col.order")}</th>
                <th scope="col">{t("ledger.customer")}</th>
                <th scope="col" className="num">
                  {t("ledger.col.planned")}
                </th>
                <th scope="col" className="num">
                  {t("ledger.col.produced")}
                </th>
                <th scope="col" className="num">
                  {t("ledger.col.good")}
                </th>
                <th scope="col" className="num">
                  {t("ledger.col.wasteMakeReady")}
                </th>
                <th scope="col" className="num">
                  {t("ledger.col.wasteRunning")}
                </th>
                <th scope="col">{t("ledger.col.hours")}</th>
                <th scope="col" className="num">
                  {t("ledger.col.energy")}
                </th>
                <th scope="col">{t("ledger.col.period")}</th>
                <th scope="col" className="num">
                  {t("ledger.col.settlement")}
                </th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((l) => (
                <tr key={`${l.enterpriseId}-${l.jobId}`} data-job-id={l.jobId}>
                  <th scope="row">
                    <span className="mono">{l.jobId}</span>
                    <span className="ledger-sub">
                      {nameOf(locale, { name: l.enterpriseName, nameEn: l.enterpriseNameEn })} ·{" "}
                      {l.machines.length > 0 ? list(l.machines) : t("ledger.notStarted")}
                    </span>
                  </th>
                  <td>{l.customer || "—"}</td>
                  <td className="num">{num(l.plannedQty)}</td>
                  <td className="num">{num(l.produced)}</td>
                  <td className="num">{num(l.good)}</td>
                  <td className="num">{num(l.wasteMakeReady)}</td>
                  <td className="num">{num(l.wasteRunning)}</td>
                  <td className="small">
                    {[l.hours.running, l.hours.setup, l.hours.down, l.hours.idle, l.hours.offline]
                      .map(h)
                      .join(" / ")}
                  </td>
                  <td className="num">{t("ledger.kwh", { value: num(l.energyKwh, 1) })}</td>
                  <td className="small">
                    {l.firstTs
                      ? `${dateTime(new Date(l.firstTs))} – ${dateTime(l.lastTs ? new Date(l.lastTs) : null)}`
                      : t("ledger.notStarted")}
                  </td>
                  <td
                    className="num ledger-settle"
                    data-testid="settlement"
                    data-value={l.settlement?.total ?? ""}
                  >
                    {l.settlement ? (
                      <>
                        <strong>{money.format(l.settlement.total)}</strong>
                        <span className="ledger-sub">
                          {t("ledger.settlementDetail", {
                            machine: money.format(l.settlement.machineTime),
                            energy: money.format(l.settlement.energy),
                            sheets: money.format(l.settlement.sheets),
                            waste: money.format(l.settlement.wasteDeduction),
                          })}
                        </span>
                      </>
                    ) : (
                      <span className="muted">{t("ledger.noRates")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="panel stack" aria-labelledby="ledger-setup-title">
        <h2 id="ledger-setup-title">{t("ledger.rates.title")}</h2>
        {f.enterprise ? (
          <LedgerSetup enterprise={f.enterprise} />
        ) : (
          <p className="muted">{t("ledger.pickEnterprise")}</p>
        )}
      </section>
    </section>
  );
}
