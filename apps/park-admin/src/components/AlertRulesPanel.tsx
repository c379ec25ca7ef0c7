import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { useUser } from "../lib/session.tsx";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../trpc.ts";
import { ErrorAlert, StatusNotice } from "./FormAlerts.tsx";
import { Loading, QueryError } from "./States.tsx";

type Kind = RouterInputs["alerts"]["rules"]["create"]["kind"];
type Format = NonNullable<RouterInputs["alerts"]["rules"]["create"]["webhookFormat"]>;
type Rule = RouterOutputs["alerts"]["rules"]["list"][number];
const KINDS: Kind[] = [
  "machine-down",
  "oee-below",
  "gateway-silent",
  "gateway-backlog",
  "data-stale",
  "coverage-below",
];
const FORMATS: Format[] = ["json", "dingtalk", "wecom"];
const RATIO: ReadonlySet<Kind> = new Set(["oee-below", "coverage-below"]);
const DEFAULT_MINUTES: Record<Kind, number> = {
  "machine-down": 15,
  "oee-below": 480,
  "gateway-silent": 10,
  "gateway-backlog": 30,
  "data-stale": 30,
  "coverage-below": 0,
};

const empty = {
  name: "",
  kind: "machine-down" as Kind,
  scope: "",
  minutes: "15",
  ratio: "60",
  url: "",
  format: "json" as Format,
  secret: "",
};

/** Alert rules: set without code (kind, scope, threshold, webhook), switched on and off. */
export function AlertRulesPanel() {
  const { t, locale, pct, duration } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const user = useUser();
  const rules = useQuery(trpc.alerts.rules.list.queryOptions({}));
  const ents = useQuery(trpc.enterprises.list.queryOptions({ limit: 500 }));
  const parks = useQuery({
    ...trpc.parks.list.queryOptions({ limit: 500 }),
    enabled: user.role !== "enterprise-user",
  });
  const [form, setForm] = useState(empty);
  const [done, setDone] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
  const create = useMutation(
    trpc.alerts.rules.create.mutationOptions({
      onSuccess: (r) => {
        setDone(t("alerts.rules.created", { name: r.name }));
        setForm(empty);
        void refresh();
      },
    }),
  );
  const update = useMutation(trpc.alerts.rules.update.mutationOptions({ onSuccess: () => void refresh() }));
  if (rules.isPending) return <Loading />;
  if (rules.isError) return <QueryError error={rules.error} onRetry={() => rules.refetch()} />;

  const scopes: { value: string; label: string }[] = [
    ...(user.role === "city-admin" && user.cityId
      ? [{ value: `city:${user.cityId}`, label: t("alerts.rules.scope.city") }]
      : []),
    ...(parks.data?.items ?? []).map((p) => ({
      value: `park:${p.id}`,
      label: t("alerts.rules.scope.park", { name: nameOf(locale, p) }),
    })),
    ...(ents.data?.items ?? []).map((e) => ({
      value: `enterprise:${e.id}`,
      label: t("alerts.rules.scope.enterprise", { name: nameOf(locale, e) }),
    })),
  ];
  const scope = form.scope || scopes[0]?.value || "";
  const scopeLabel = (r: Rule) =>
    scopes.find(
      (s) =>
        s.value ===
        (r.enterpriseId
          ? `enterprise:${r.enterpriseId}`
          : r.parkId
            ? `park:${r.parkId}`
            : `city:${r.cityId}`),
    )?.label ?? "—";
  const threshold = (r: Rule) => {
    const minutes = r.params.minutes ?? DEFAULT_MINUTES[r.kind];
    if (r.kind === "oee-below")
      return t("alerts.rules.over", {
        value: pct(r.params.ratio ?? 0.6, 0),
        window: duration(minutes * 60_000),
      });
    if (r.kind === "coverage-below") return t("alerts.rules.below", { value: pct(r.params.ratio ?? 0.8, 0) });
    return t("alerts.rules.atLeast", { value: duration(minutes * 60_000) });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [kind, id] = scope.split(":");
    const ref = Number(id);
    const params: { minutes?: number; ratio?: number } = {};
    if (form.kind !== "coverage-below") params.minutes = Number(form.minutes);
    if (RATIO.has(form.kind)) params.ratio = Number(form.ratio) / 100;
    setDone(null);
    create.mutate({
      name: form.name,
      kind: form.kind,
      params,
      ...(kind === "city" ? { city: ref } : kind === "park" ? { park: ref } : { enterprise: ref }),
      ...(form.url
        ? { webhookUrl: form.url, webhookFormat: form.format, webhookSecret: form.secret || null }
        : {}),
    });
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <div className="stack">
      <ErrorAlert error={create.error ?? update.error} />
      <StatusNotice message={done} testId="rule-created" />
      <form className="import-form" onSubmit={submit} data-testid="rule-form">
        <label className="field">
          <span>{t("alerts.rules.name")}</span>
          <input name="name" required value={form.name} onChange={set("name")} />
        </label>
        <label className="field">
          <span>{t("alerts.rules.kind")}</span>
          <select
            name="kind"
            value={form.kind}
            onChange={(e) => {
              const kind = e.target.value as Kind;
              setForm({ ...form, kind, minutes: String(DEFAULT_MINUTES[kind]) });
            }}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`alerts.kind.${k}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("alerts.rules.scope")}</span>
          <select name="scope" value={scope} onChange={set("scope")}>
            {scopes.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        {form.kind !== "coverage-below" && (
          <label className="field">
            <span>{t(form.kind === "oee-below" ? "alerts.rules.window" : "alerts.rules.minutes")}</span>
            <input
              name="minutes"
              type="number"
              min={0}
              max={10080}
              required
              value={form.minutes}
              onChange={set("minutes")}
            />
          </label>
        )}
        {RATIO.has(form.kind) && (
          <label className="field">
            <span>{t("alerts.rules.ratio")}</span>
            <input
              name="ratio"
              type="number"
              min={0}
              max={100}
              step={0.1}
              required
              value={form.ratio}
              onChange={set("ratio")}
            />
          </label>
        )}
        <label className="field">
          <span>{t("alerts.rules.webhook")}</span>
          <input name="webhookUrl" type="url" value={form.url} onChange={set("url")} />
        </label>
        <label className="field">
          <span>{t("alerts.rules.format")}</span>
          <select name="webhookFormat" value={form.format} onChange={set("format")}>
            {FORMATS.map((f) => (
              <option key={f} value={f}>
                {t(`alerts.rules.format.${f}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("alerts.rules.secret")}</span>
          <input
            name="webhookSecret"
            type="password"
            autoComplete="off"
            value={form.secret}
            onChange={set("secret")}
          />
        </label>
        <button type="submit" className="btn btn-primary field" disabled={create.isPending}>
          {t("alerts.rules.create")}
        </button>
      </form>
      {rules.data.length === 0 ? (
        <p className="muted">{t("alerts.rules.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="alert-rules">
            <thead>
              <tr>
                <th scope="col">{t("alerts.rules.name")}</th>
                <th scope="col">{t("alerts.rules.kind")}</th>
                <th scope="col">{t("alerts.rules.scope")}</th>
                <th scope="col">{t("alerts.rules.threshold")}</th>
                <th scope="col">{t("alerts.rules.delivery")}</th>
                <th scope="col">{t("alerts.rules.enabled")}</th>
              </tr>
            </thead>
            <tbody>
              {rules.data.map((r) => (
                <tr key={r.id} data-rule-id={r.id}>
                  <th scope="row">{r.name}</th>
                  <td>{t(`alerts.kind.${r.kind}` as MessageKey)}</td>
                  <td>{scopeLabel(r)}</td>
                  <td>{threshold(r)}</td>
                  <td>
                    {r.webhookUrl
                      ? t(`alerts.rules.format.${r.webhookFormat}` as MessageKey)
                      : t("alerts.rules.noWebhook")}
                  </td>
                  <td className="btn-group">
                    <span className={r.enabled ? "badge badge-good" : "badge"}>
                      {t(r.enabled ? "alerts.rules.on" : "alerts.rules.off")}
                    </span>
                    <button
                      type="button"
                      className="btn btn-xs"
                      onClick={() => update.mutate({ rule: r.id, enabled: !r.enabled })}
                    >
                      {t(r.enabled ? "alerts.rules.disable" : "alerts.rules.enable")}
                    </button>
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
