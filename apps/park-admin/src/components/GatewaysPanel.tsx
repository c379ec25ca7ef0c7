import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { useTRPC } from "../trpc.ts";
import { AdminTable } from "./AdminTable.tsx";
import { ErrorAlert } from "./FormAlerts.tsx";
import { Loading, QueryError } from "./States.tsx";

/** Gateways: issue a key (shown once), rotate and revoke. */
export function GatewaysPanel() {
  const { t, dateTime, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.gateways.list.queryOptions({ limit: 500 }));
  const ents = useQuery(trpc.enterprises.list.queryOptions({ limit: 500 }));
  const [shown, setShown] = useState<{ id: string; key: string } | null>(null);
  const [form, setForm] = useState({ enterprise: 0, id: "", name: "" });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.gateways.pathKey() });
  const create = useMutation(
    trpc.gateways.create.mutationOptions({
      onSuccess: (r) => {
        setShown({ id: r.gateway.id, key: r.apiKey });
        setForm({ enterprise: 0, id: "", name: "" });
        void refresh();
      },
    }),
  );
  const rotate = useMutation(
    trpc.gateways.rotateKey.mutationOptions({
      onSuccess: (r) => {
        setShown({ id: r.id, key: r.apiKey });
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.gateways.revoke.mutationOptions({ onSuccess: () => void refresh() }));
  if (list.isPending) return <Loading />;
  if (list.isError) return <QueryError error={list.error} />;
  const entId = form.enterprise || ents.data?.items[0]?.id || 0;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ enterprise: entId, id: form.id, name: form.name });
  };
  const err = create.error ?? rotate.error ?? revoke.error;
  return (
    <div className="stack">
      {shown && (
        <div className="key-once" role="status" data-testid="api-key-once">
          <p>
            <strong>{shown.id}</strong> — {t("gateways.keyOnce")}
          </p>
          <code className="mono">{shown.key}</code>
          <div className="row-end">
            <button type="button" className="btn btn-xs" onClick={() => setShown(null)}>
              {t("common.close")}
            </button>
          </div>
        </div>
      )}
      <ErrorAlert error={err} />
      <form className="import-form" onSubmit={submit}>
        <label className="field">
          <span>{t("gateways.enterprise")}</span>
          <select value={entId} onChange={(e) => setForm({ ...form, enterprise: Number(e.target.value) })}>
            {ents.data?.items.map((x) => (
              <option key={x.id} value={x.id}>
                {nameOf(locale, x)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("gateways.id")}</span>
          <input
            type="text"
            required
            pattern="[a-z0-9][a-z0-9._\-]*"
            value={form.id}
            onChange={(e) => setForm({ ...form, id: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t("gateways.name")}</span>
          <input
            type="text"
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <button type="submit" className="btn btn-primary field" disabled={create.isPending}>
          {t("gateways.issue")}
        </button>
      </form>
      <AdminTable
        testId="gateways"
        columns={[
          { label: t("gateways.id") },
          { label: t("gateways.name") },
          { label: t("gateways.enterprise") },
          { label: t("gateways.lastSeen") },
          { label: t("gateways.status") },
        ]}
        actionsLabel={t("gateways.revoke")}
      >
        {list.data.items.map((g) => (
          <tr key={g.id}>
            <th scope="row" className="mono">
              {g.id}
            </th>
            <td>{g.name}</td>
            <td>{g.enterpriseKey}</td>
            <td>{dateTime(g.lastSeenAt)}</td>
            <td>
              <span className={g.revokedAt ? "badge badge-bad" : "badge badge-good"}>
                {g.revokedAt ? t("gateways.revoked") : t("gateways.active")}
              </span>
            </td>
            <td className="btn-group">
              <button type="button" className="btn btn-xs" onClick={() => rotate.mutate({ id: g.id })}>
                {t("gateways.issue")}
              </button>
              {!g.revokedAt && (
                <button
                  type="button"
                  className="btn btn-xs btn-danger"
                  onClick={() => revoke.mutate({ id: g.id })}
                >
                  {t("gateways.revoke")}
                </button>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
    </div>
  );
}
