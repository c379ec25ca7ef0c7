import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { type FieldErrors, hasErrors, KEY_PATTERN, serverFieldErrors } from "../lib/form-errors.ts";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useUser } from "../lib/session.tsx";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { FormField } from "./FormField.tsx";
import { ModalDialog } from "./ModalDialog.tsx";
import { Loading, QueryError } from "./States.tsx";

type Park = RouterOutputs["parks"]["list"]["items"][number];

/** Parks in the admin area: the list; a city admin also creates and renames parks. */
export function ParksAdminPanel() {
  const { t, num, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cityAdmin = useUser().role === "city-admin";
  const q = useQuery(trpc.parks.list.queryOptions({ limit: 500 }));
  const [editing, setEditing] = useState<Park | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.parks.pathKey() });
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  const cities = [...new Set(q.data.items.map((p) => p.cityKey))];
  return (
    <div className="stack" data-testid="parks-admin">
      {cityAdmin && (
        <CreateParkForm
          cities={cities}
          onCreated={(name) => {
            setNotice(t("parks.created", { name }));
            void refresh();
          }}
        />
      )}
      {notice && (
        <p className="form-ok" role="status">
          {notice}
        </p>
      )}
      {q.data.items.length === 0 ? (
        <p className="muted">{t("parks.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="parks-admin-table">
            <thead>
              <tr>
                <th scope="col">{t("parks.name")}</th>
                <th scope="col">{t("parks.key")}</th>
                <th scope="col">{t("parks.city")}</th>
                <th scope="col" className="num">
                  {t("parks.enterprises")}
                </th>
                <th scope="col" className="num">
                  {t("parks.machines")}
                </th>
                {cityAdmin && (
                  <th scope="col">
                    <span className="sr-only">{t("common.actions")}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((p) => (
                <tr key={p.id} data-key={p.key}>
                  <th scope="row">
                    <Link href={`/parks/${p.id}`}>{nameOf(locale, p)}</Link>
                  </th>
                  <td className="mono">{p.key}</td>
                  <td>{p.cityName}</td>
                  <td className="num">{num(p.enterprises)}</td>
                  <td className="num">{num(p.machines)}</td>
                  {cityAdmin && (
                    <td>
                      <button
                        type="button"
                        className="btn btn-xs"
                        aria-label={t("parks.editAction", { name: nameOf(locale, p) })}
                        onClick={() => setEditing(p)}
                      >
                        {t("common.edit")}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <EditParkDialog
          park={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            setNotice(t("common.saved"));
            void refresh();
          }}
        />
      )}
    </div>
  );
}

function CreateParkForm({ cities, onCreated }: { cities: string[]; onCreated: (name: string) => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const id = useId();
  const empty = { key: "", name: "", nameEn: "", cityKey: cities[0] ?? "" };
  const [d, setD] = useState(empty);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.parks.create.mutationOptions({
      onSuccess: () => {
        onCreated(d.name.trim());
        setD(empty);
        setErrors({});
      },
      onError: (err) => setErrors(serverFieldErrors(err)),
    }),
  );
  const set = (k: keyof typeof d, v: string) => {
    setD((x) => ({ ...x, [k]: v }));
    if (errors[k] !== undefined) setErrors((e) => ({ ...e, [k]: undefined }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v: FieldErrors = {};
    if (!KEY_PATTERN.test(d.key.trim()))
      v.key = d.key.trim() ? t("validation.key") : t("validation.required");
    if (!d.name.trim()) v.name = t("validation.required");
    if (!KEY_PATTERN.test(d.cityKey.trim()))
      v.cityKey = d.cityKey.trim() ? t("validation.key") : t("validation.required");
    setErrors(v);
    if (hasErrors(v)) return;
    create.mutate({
      key: d.key.trim(),
      name: d.name.trim(),
      cityKey: d.cityKey.trim(),
      ...(d.nameEn.trim() ? { nameEn: d.nameEn.trim() } : {}),
    });
  };
  const unplaced = create.error && !hasErrors(serverFieldErrors(create.error));
  return (
    <section className="panel form-card" aria-labelledby={`${id}-title`} data-testid="park-create">
      <h2 id={`${id}-title`}>{t("parks.create")}</h2>
      <form className="form-grid" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <FormField id={`${id}-key`} label={t("parks.key")} error={errors.key} hint={t("parks.keyHint")}>
          <input type="text" name="key" required value={d.key} onChange={(e) => set("key", e.target.value)} />
        </FormField>
        <FormField id={`${id}-name`} label={t("parks.nameZh")} error={errors.name}>
          <input
            type="text"
            name="name"
            required
            value={d.name}
            onChange={(e) => set("name", e.target.value)}
          />
        </FormField>
        <FormField
          id={`${id}-nameEn`}
          label={`${t("parks.nameEn")} ${t("common.optional")}`}
          error={errors.nameEn}
        >
          <input type="text" name="nameEn" value={d.nameEn} onChange={(e) => set("nameEn", e.target.value)} />
        </FormField>
        <FormField id={`${id}-city`} label={t("parks.cityKey")} error={errors.cityKey}>
          <input
            type="text"
            name="cityKey"
            required
            list={`${id}-cities`}
            value={d.cityKey}
            onChange={(e) => set("cityKey", e.target.value)}
          />
        </FormField>
        <datalist id={`${id}-cities`}>
          {cities.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        {unplaced && create.error && (
          <p className="form-error form-wide" role="alert">
            {t("common.error", { message: create.error.message })}
          </p>
        )}
        <div className="form-wide row-end">
          <button type="submit" className="btn btn-primary" disabled={create.isPending}>
            {t("common.create")}
          </button>
        </div>
      </form>
    </section>
  );
}

function EditParkDialog({
  park,
  onClose,
  onSaved,
}: {
  park: Park;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const id = useId();
  const [d, setD] = useState({ name: park.name, nameEn: park.nameEn ?? "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const update = useMutation(
    trpc.parks.update.mutationOptions({
      onSuccess: onSaved,
      onError: (err) => setErrors(serverFieldErrors(err)),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v: FieldErrors = {};
    if (!d.name.trim()) v.name = t("validation.required");
    setErrors(v);
    if (hasErrors(v)) return;
    update.mutate({ park: park.key, name: d.name.trim(), nameEn: d.nameEn.trim() });
  };
  const unplaced = update.error && !hasErrors(serverFieldErrors(update.error));
  return (
    <ModalDialog title={t("parks.edit", { name: nameOf(locale, park) })} onClose={onClose} testId="park-edit">
      <form className="form-grid" onSubmit={submit} noValidate>
        <FormField id={`${id}-name`} label={t("parks.nameZh")} error={errors.name}>
          <input
            type="text"
            name="name"
            required
            value={d.name}
            onChange={(e) => setD({ ...d, name: e.target.value })}
          />
        </FormField>
        <FormField
          id={`${id}-nameEn`}
          label={`${t("parks.nameEn")} ${t("common.optional")}`}
          error={errors.nameEn}
        >
          <input
            type="text"
            name="nameEn"
            value={d.nameEn}
            onChange={(e) => setD({ ...d, nameEn: e.target.value })}
          />
        </FormField>
        {unplaced && update.error && (
          <p className="form-error" role="alert">
            {t("common.error", { message: update.error.message })}
          </p>
        )}
        <div className="row-end">
          <button type="button" className="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="btn btn-primary" disabled={update.isPending}>
            {t("common.save")}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
