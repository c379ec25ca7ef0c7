import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { useTRPC } from "../trpc.ts";
import { ErrorAlert, StatusNotice } from "./FormAlerts.tsx";

/** An enterprise's settlement rates and an order created ahead of the run. */
export function LedgerSetup({ enterprise }: { enterprise: number }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const rates = useQuery(trpc.orders.rates.get.queryOptions({ enterprise }));
  const [r, setR] = useState({
    perMachineHour: "0",
    perKwh: "0",
    perThousandSheets: "0",
    wasteAllowance: "0",
  });
  const [order, setOrder] = useState({ jobId: "", customer: "", planned: "" });
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    const d = rates.data;
    if (d)
      setR({
        perMachineHour: String(d.perMachineHour),
        perKwh: String(d.perKwh),
        perThousandSheets: String(d.perThousandSheets),
        wasteAllowance: String(Math.round(d.wasteAllowance * 1000) / 10),
      });
  }, [rates.data]);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.orders.pathKey() });
  const saveRates = useMutation(
    trpc.orders.rates.set.mutationOptions({
      onSuccess: () => {
        setNotice(t("ledger.rates.saved"));
        void refresh();
      },
    }),
  );
  const create = useMutation(
    trpc.orders.create.mutationOptions({
      onSuccess: (o) => {
        setNotice(t("ledger.order.created", { id: o.jobId }));
        setOrder({ jobId: "", customer: "", planned: "" });
        void refresh();
      },
    }),
  );
  const submitRates = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    saveRates.mutate({
      enterprise,
      rates: {
        perMachineHour: Number(r.perMachineHour),
        perKwh: Number(r.perKwh),
        perThousandSheets: Number(r.perThousandSheets),
        wasteAllowance: Number(r.wasteAllowance) / 100,
      },
    });
  };
  const submitOrder = (e: FormEvent) => {
    e.preventDefault();
    setNotice(null);
    create.mutate({
      enterprise,
      jobId: order.jobId,
      customer: order.customer,
      plannedQty: order.planned ? Number(order.planned) : null,
    });
  };
  const rateField = (k: keyof typeof r, label: Parameters<typeof t>[0], max: number) => (
    <label className="field">
      <span>{t(label)}</span>
      <input
        name={k}
        type="number"
        min={0}
        max={max}
        step="any"
        required
        value={r[k]}
        onChange={(e) => setR({ ...r, [k]: e.target.value })}
      />
    </label>
  );
  return (
    <div className="stack">
      <ErrorAlert error={saveRates.error ?? create.error} />
      <StatusNotice message={notice} testId="ledger-notice" />
      <form
        className="import-form"
        onSubmit={submitRates}
        data-testid="rates-form"
        aria-label={t("ledger.rates.title")}
      >
        {rateField("perMachineHour", "ledger.rates.perMachineHour", 1_000_000)}
        {rateField("perKwh", "ledger.rates.perKwh", 1_000_000)}
        {rateField("perThousandSheets", "ledger.rates.perThousandSheets", 1_000_000)}
        {rateField("wasteAllowance", "ledger.rates.wasteAllowance", 100)}
        <button type="submit" className="btn btn-primary field" disabled={saveRates.isPending}>
          {t("ledger.rates.save")}
        </button>
      </form>
      <form
        className="import-form"
        onSubmit={submitOrder}
        data-testid="order-form"
        aria-label={t("ledger.order.title")}
      >
        <label className="field">
          <span>{t("ledger.order.jobId")}</span>
          <input
            name="jobId"
            required
            value={order.jobId}
            onChange={(e) => setOrder({ ...order, jobId: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("ledger.customer")}</span>
          <input
            name="customer"
            value={order.customer}
            onChange={(e) => setOrder({ ...order, customer: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("ledger.order.planned")}</span>
          <input
            name="plannedQty"
            type="number"
            min={0}
            value={order.planned}
            onChange={(e) => setOrder({ ...order, planned: e.target.value })}
          />
        </label>
        <button type="submit" className="btn field" disabled={create.isPending}>
          {t("ledger.order.create")}
        </button>
      </form>
    </div>
  );
}
