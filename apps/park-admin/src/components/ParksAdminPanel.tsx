import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { useI18n } from "../i18n/index.tsx";
import { useFormDraft } from "../lib/form-draft.ts";
import { type FieldErrors, hasErrors } from "../lib/form-errors.ts";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useRowEditing } from "../lib/row-editing.ts";
import { useUser } from "../lib/session.tsx";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { AdminTable, EditRowCell } from "./AdminTable.tsx";
import { AssetKeyField, assetKeyError } from "./AssetKeyField.tsx";
import { BilingualNameFields } from "./BilingualNameFields.tsx";
import { StatusNotice } from "./FormAlerts.tsx";
import { CreateFormCard, EditFormDialog } from "./FormCard.tsx";
import { TextField } from "./FormField.tsx";
import { Loading, QueryError } from "./States.tsx";

type Park = RouterOutputs["parks"]["list"]["items"][number];

/** Parks in the admin area: the list; a city admin also creates and renames parks. */
export function ParksAdminPanel() {
  const { t, num, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const cityAdmin = useUser().role === "city-admin";
  const q = useQuery(trpc.parks.list.queryOptions({ limit: 500 }));
  const rows = useRowEditing<Park>(() => qc.invalidateQueries({ queryKey: trpc.parks.pathKey() }));
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  const cities = [...new Set(q.data.items.map((p) => p.cityKey))];
  return (
    <div className="stack" data-testid="parks-admin">
      {cityAdmin && (
        <CreateParkForm cities={cities} onCreated={(name) => rows.created(t("parks.created", { name }))} />
      )}
      <StatusNotice message={rows.notice} />
      {q.data.items.length === 0 ? (
        <p className="muted">{t("parks.empty")}</p>
      ) : (
        <AdminTable
          testId="parks-admin-table"
          columns={[
            { label: t("parks.name") },
            { label: t("parks.key") },
            { label: t("parks.city") },
            { label: t("parks.enterprises"), num: true },
            { label: t("parks.machines"), num: true },
          ]}
          actionsLabel={cityAdmin ? t("common.actions") : undefined}
        >
          {q.data.items.map((p) => (
            <tr key={p.id} data-key={p.key}>
              <th scope="row">
                <Link href={`/parks/${p.id}`}>{nameOf(locale, p)}</Link>
              </th>
              <td className="mono">{p.key}</td>
              <td>{nameOf(locale, { name: p.cityName, nameEn: p.cityNameEn })}</td>
              <td className="num">{num(p.enterprises)}</td>
              <td className="num">{num(p.machines)}</td>
              {cityAdmin && (
                <EditRowCell
                  label={t("parks.editAction", { name: nameOf(locale, p) })}
                  onEdit={() => rows.edit(p)}
                />
              )}
            </tr>
          ))}
        </AdminTable>
      )}
      {rows.editing && <EditParkDialog park={rows.editing} onClose={rows.close} onSaved={rows.saved} />}
    </div>
  );
}

function CreateParkForm({ cities, onCreated }: { cities: string[]; onCreated: (name: string) => void }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const id = useId();
  const empty = { key: "", name: "", nameEn: "", cityKey: cities[0] ?? "" };
  const { d, errors, setErrors, patch, showServerErrors, reset } = useFormDraft(empty);
  const create = useMutation(
    trpc.parks.create.mutationOptions({
      onSuccess: () => {
        onCreated(d.name.trim());
        reset(empty);
      },
      onError: showServerErrors,
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v: FieldErrors = { key: assetKeyError(d.key, t), cityKey: assetKeyError(d.cityKey, t) };
    if (!d.name.trim()) v.name = t("validation.required");
    setErrors(v);
    if (hasErrors(v)) return;
    create.mutate({
      key: d.key.trim(),
      name: d.name.trim(),
      cityKey: d.cityKey.trim(),
      ...(d.nameEn.trim() ? { nameEn: d.nameEn.trim() } : {}),
    });
  };
  return (
    <CreateFormCard
      id={id}
      title={t("parks.create")}
      testId="park-create"
      onSubmit={submit}
      error={create.error}
      pending={create.isPending}
    >
      <AssetKeyField
        id={`${id}-key`}
        label={t("parks.key")}
        error={errors.key}
        value={d.key}
        onValue={(key) => patch({ key })}
      />
      <BilingualNameFields id={id} of="park" value={d} errors={errors} onChange={patch} />
      <TextField
        id={`${id}-city`}
        label={t("parks.cityKey")}
        error={errors.cityKey}
        name="cityKey"
        required
        list={`${id}-cities`}
        value={d.cityKey}
        onValue={(cityKey) => patch({ cityKey })}
      />
      <datalist id={`${id}-cities`}>
        {cities.map((c) => (
          <option key={c} value={c} />
        ))}
      </datalist>
    </CreateFormCard>
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
  const { d, setD, errors, setErrors, showServerErrors } = useFormDraft({
    name: park.name,
    nameEn: park.nameEn ?? "",
  });
  const update = useMutation(
    trpc.parks.update.mutationOptions({ onSuccess: onSaved, onError: showServerErrors }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v: FieldErrors = {};
    if (!d.name.trim()) v.name = t("validation.required");
    setErrors(v);
    if (hasErrors(v)) return;
    update.mutate({ park: park.key, name: d.name.trim(), nameEn: d.nameEn.trim() });
  };
  return (
    <EditFormDialog
      title={t("parks.edit", { name: nameOf(locale, park) })}
      testId="park-edit"
      onClose={onClose}
      onSubmit={submit}
      error={update.error}
      pending={update.isPending}
    >
      {/* Here typing does not clear a field's error; the next Save checks again. */}
      <BilingualNameFields
        id={id}
        of="park"
        value={d}
        errors={errors}
        onChange={(p) => setD((x) => ({ ...x, ...p }))}
      />
    </EditFormDialog>
  );
}
