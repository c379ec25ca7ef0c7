import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { useUser } from "../lib/session.tsx";
import { useTRPC } from "../trpc.ts";
import { AdminTable } from "./AdminTable.tsx";
import { ErrorAlert } from "./FormAlerts.tsx";
import { Loading, QueryError } from "./States.tsx";

/** Wall-display tokens of the city: issue (the address is shown once) and revoke. */
export function DisplaysPanel() {
  const { t, dateTime, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const user = useUser();
  const list = useQuery(trpc.display.tokens.list.queryOptions({}));
  const parks = useQuery(trpc.parks.list.queryOptions({ limit: 500 }));
  const [form, setForm] = useState({ name: "", park: 0 });
  const [shown, setShown] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.display.tokens.pathKey() });
  const issue = useMutation(
    trpc.display.tokens.issue.mutationOptions({
      onSuccess: (r) => {
        setShown(`${location.origin}${r.path}`);
        setForm({ name: "", park: 0 });
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.display.tokens.revoke.mutationOptions({ onSuccess: () => void refresh() }));
  if (list.isPending) return <Loading />;
  if (list.isError) return <QueryError error={list.error} onRetry={() => list.refetch()} />;
  const cityId = user.cityId ?? parks.data?.items[0]?.cityId ?? 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    issue.mutate({ city: cityId, name: form.name, ...(form.park ? { park: form.park } : {}) });
  };
  const parkName = (id: number | null) => {
    const p = parks.data?.items.find((x) => x.id === id);
    return p ? nameOf(locale, p) : t("displays.city");
  };
  return (
    <div className="stack">
      {shown && (
        <div className="key-once" role="status" data-testid="display-once">
          <p>{t("displays.once")}</p>
          <code className="mono">{shown}</code>
          <div className="row-end">
            <button type="button" className="btn btn-xs" onClick={() => setShown(null)}>
              {t("common.close")}
            </button>
          </div>
        </div>
      )}
      <ErrorAlert error={issue.error ?? revoke.error} />
      <form className="import-form" onSubmit={submit} data-testid="display-form">
        <label className="field">
          <span>{t("displays.name")}</span>
          <input
            name="name"
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("displays.scope")}</span>
          <select
            name="park"
            value={form.park}
            onChange={(e) => setForm({ ...form, park: Number(e.target.value) })}
          >
            <option value={0}>{t("displays.city")}</option>
            {parks.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {nameOf(locale, p)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="btn btn-primary field" disabled={issue.isPending}>
          {t("displays.issue")}
        </button>
      </form>
      <AdminTable
        testId="displays"
        columns={[
          { label: t("displays.name") },
          { label: t("displays.scope") },
          { label: t("displays.created") },
          { label: t("displays.lastUsed") },
          { label: t("gateways.status") },
        ]}
        actionsLabel={t("displays.revoke")}
      >
        {list.data.map((d) => (
          <tr key={d.id} data-display-id={d.id}>
            <th scope="row">{d.name}</th>
            <td>{parkName(d.parkId)}</td>
            <td>{dateTime(new Date(d.createdAt))}</td>
            <td>{d.lastUsedAt ? dateTime(new Date(d.lastUsedAt)) : t("common.never")}</td>
            <td>
              <span className={d.revokedAt ? "badge badge-bad" : "badge badge-good"}>
                {d.revokedAt ? t("gateways.revoked") : t("gateways.active")}
              </span>
            </td>
            <td>
              {!d.revokedAt && (
                <button
                  type="button"
                  className="btn btn-xs btn-danger"
                  onClick={() => revoke.mutate({ token: d.id })}
                >
                  {t("displays.revoke")}
                </button>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
    </div>
  );
}
