import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { type FieldErrors, hasErrors, KEY_PATTERN, serverFieldErrors } from "../lib/form-errors.ts";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useUser } from "../lib/session.tsx";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { FormField } from "./FormField.tsx";
import { ModalDialog } from "./ModalDialog.tsx";
import { Loading, QueryError } from "./States.tsx";

type Enterprise = RouterOutputs["enterprises"]["list"]["items"][number];

/**
 * GB 32100 unified social credit code shape: 18 characters from the code's alphabet (no I, O, S,
 * V, Z). The check digit is left to the server, whose error is shown on the field.
 */
export const CREDIT_CODE_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
/** A GB/T 4754 code's shape (section letter and 2–4 digits); the server knows the real list. */
export const INDUSTRY_CODE_SHAPE = /^[A-Za-z]\d{2,4}$/;

interface Details {
  name: string;
  nameEn: string;
  industryCode: string;
  aboveScale: boolean;
  declaredMachines: string;
}

type T = (k: MessageKey) => string;
type PatchDetails = (patch: Partial<Details>) => void;
interface NewEnterprise extends Details {
  key: string;
  parkKey: string;
  creditCode: string;
}

function validateDetails(d: Details, t: T): FieldErrors {
  const e: FieldErrors = {};
  if (!d.name.trim()) e.name = t("validation.required");
  if (!d.industryCode.trim()) e.industryCode = t("validation.required");
  else if (!INDUSTRY_CODE_SHAPE.test(d.industryCode.trim())) e.industryCode = t("validation.industryCode");
  if (!/^\d{1,6}$/.test(d.declaredMachines.trim())) e.declaredMachines = t("validation.wholeNumber");
  return e;
}

/** Enterprises the caller may see; a city admin or the park's manager creates and edits them. */
export function EnterprisesAdminPanel() {
  const { t, num, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const role = useUser().role;
  const canEdit = role === "city-admin" || role === "park-manager";
  const q = useQuery(trpc.enterprises.list.queryOptions({ limit: 500 }));
  const parks = useQuery({ ...trpc.parks.list.queryOptions({ limit: 500 }), enabled: canEdit });
  const [editing, setEditing] = useState<Enterprise | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.enterprises.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.parks.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.coverage.pathKey() }),
    ]);
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  return (
    <div className="stack">
      {canEdit && (
        <CreateEnterpriseForm
          parks={(parks.data?.items ?? []).map((p) => ({ key: p.key, label: nameOf(locale, p) }))}
          onCreated={(name) => {
            setNotice(t("enterprise.created", { name }));
            void refresh();
          }}
        />
      )}
      {notice && (
        <p className="form-ok" role="status">
          {notice}
        </p>
      )}
      <div className="table-wrap">
        <table className="table" data-testid="enterprises">
          <thead>
            <tr>
              <th scope="col">{t("park.enterpriseCol")}</th>
              <th scope="col">{t("parks.name")}</th>
              <th scope="col">{t("enterprise.creditCode")}</th>
              <th scope="col">{t("enterprise.industry")}</th>
              <th scope="col">{t("enterprise.aboveScale")}</th>
              <th scope="col" className="num">
                {t("park.machines")}
              </th>
              {canEdit && (
                <th scope="col">
                  <span className="sr-only">{t("common.actions")}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((e) => (
              <tr key={e.id} data-key={e.key}>
                <th scope="row">
                  <Link href={`/enterprises/${e.id}`}>{nameOf(locale, e)}</Link>
                </th>
                <td>{e.parkName}</td>
                <td className="mono">{e.creditCode}</td>
                <td>
                  {e.industryCode} {e.industry ? (locale === "en" ? e.industry.en : e.industry.zh) : ""}
                </td>
                <td>{e.aboveScale ? t("common.yes") : t("common.no")}</td>
                <td className="num">
                  {num(e.machines)} / {num(e.declaredMachines)}
                </td>
                {canEdit && (
                  <td>
                    <button
                      type="button"
                      className="btn btn-xs"
                      aria-label={t("enterprise.editAction", { name: nameOf(locale, e) })}
                      onClick={() => setEditing(e)}
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
      {editing && (
        <EditEnterpriseDialog
          enterprise={editing}
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

function DetailFields({
  id,
  d,
  errors,
  set,
}: {
  id: string;
  d: Details;
  errors: FieldErrors;
  set: PatchDetails;
}) {
  const { t } = useI18n();
  return (
    <>
      <FormField id={`${id}-name`} label={t("enterprise.name")} error={errors.name}>
        <input
          type="text"
          name="name"
          required
          value={d.name}
          onChange={(e) => set({ name: e.target.value })}
        />
      </FormField>
      <FormField
        id={`${id}-nameEn`}
        label={`${t("enterprise.nameEn")} ${t("common.optional")}`}
        error={errors.nameEn}
      >
        <input type="text" name="nameEn" value={d.nameEn} onChange={(e) => set({ nameEn: e.target.value })} />
      </FormField>
      <FormField id={`${id}-industry`} label={t("enterprise.industryCode")} error={errors.industryCode}>
        <input
          type="text"
          name="industryCode"
          required
          value={d.industryCode}
          onChange={(e) => set({ industryCode: e.target.value })}
        />
      </FormField>
      <FormField
        id={`${id}-machines`}
        label={t("enterprise.declaredMachines")}
        error={errors.declaredMachines}
      >
        <input
          type="number"
          name="declaredMachines"
          min={0}
          step={1}
          inputMode="numeric"
          value={d.declaredMachines}
          onChange={(e) => set({ declaredMachines: e.target.value })}
        />
      </FormField>
      <div className="field">
        <label className="check">
          <input
            type="checkbox"
            name="aboveScale"
            checked={d.aboveScale}
            onChange={(e) => set({ aboveScale: e.target.checked })}
          />
          {t("enterprise.aboveScale")}
        </label>
        {errors.aboveScale && <small className="field-error">{errors.aboveScale}</small>}
      </div>
    </>
  );
}

function useDraft<D extends object>(initial: D) {
  const [d, setD] = useState<D>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const patch = (p: Partial<D>) => {
    setD((x) => ({ ...x, ...p }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(p)) next[k] = undefined;
      return next;
    });
  };
  return { d, setD, errors, setErrors, patch };
}

const EMPTY_NEW: NewEnterprise = {
  key: "",
  parkKey: "",
  creditCode: "",
  name: "",
  nameEn: "",
  industryCode: "",
  aboveScale: false,
  declaredMachines: "0",
};

function CreateEnterpriseForm({
  parks,
  onCreated,
}: {
  parks: { key: string; label: string }[];
  onCreated: (name: string) => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const id = useId();
  const { d, setD, errors, setErrors, patch } = useDraft<NewEnterprise>(EMPTY_NEW);
  const parkKey = d.parkKey || parks[0]?.key || "";
  const create = useMutation(
    trpc.enterprises.create.mutationOptions({
      onSuccess: () => {
        onCreated(d.name.trim());
        setD({ ...EMPTY_NEW, parkKey });
        setErrors({});
      },
      onError: (err) => setErrors(serverFieldErrors(err)),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateDetails(d, t);
    const key = d.key.trim();
    if (!KEY_PATTERN.test(key)) v.key = key ? t("validation.key") : t("validation.required");
    if (!parkKey) v.parkKey = t("validation.required");
    const code = d.creditCode.trim().toUpperCase();
    if (!code) v.creditCode = t("validation.required");
    else if (!CREDIT_CODE_SHAPE.test(code)) v.creditCode = t("validation.creditCode");
    setErrors(v);
    if (hasErrors(v)) return;
    create.mutate({
      key,
      parkKey,
      name: d.name.trim(),
      ...(d.nameEn.trim() ? { nameEn: d.nameEn.trim() } : {}),
      creditCode: code,
      industryCode: d.industryCode.trim().toUpperCase(),
      aboveScale: d.aboveScale,
      declaredMachines: Number(d.declaredMachines.trim()),
    });
  };
  const unplaced = create.error && !hasErrors(serverFieldErrors(create.error));
  return (
    <section className="panel form-card" aria-labelledby={`${id}-title`} data-testid="enterprise-create">
      <h2 id={`${id}-title`}>{t("enterprise.create")}</h2>
      <form className="form-grid" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <FormField id={`${id}-key`} label={t("enterprise.key")} error={errors.key} hint={t("parks.keyHint")}>
          <input
            type="text"
            name="key"
            required
            value={d.key}
            onChange={(e) => patch({ key: e.target.value })}
          />
        </FormField>
        <FormField id={`${id}-park`} label={t("enterprise.park")} error={errors.parkKey}>
          <select name="parkKey" value={parkKey} onChange={(e) => patch({ parkKey: e.target.value })}>
            {parks.map((p) => (
              <option key={p.key} value={p.key}>
                {p.label}
              </option>
            ))}
          </select>
        </FormField>
        <FormField id={`${id}-credit`} label={t("enterprise.creditCode")} error={errors.creditCode}>
          <input
            type="text"
            name="creditCode"
            required
            maxLength={18}
            autoCapitalize="characters"
            spellCheck={false}
            className="mono"
            value={d.creditCode}
            onChange={(e) => patch({ creditCode: e.target.value })}
          />
        </FormField>
        <DetailFields id={id} d={d} errors={errors} set={patch} />
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

function EditEnterpriseDialog({
  enterprise,
  onClose,
  onSaved,
}: {
  enterprise: Enterprise;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const id = useId();
  const { d, errors, setErrors, patch } = useDraft<Details>({
    name: enterprise.name,
    nameEn: enterprise.nameEn ?? "",
    industryCode: enterprise.industryCode,
    aboveScale: enterprise.aboveScale,
    declaredMachines: String(enterprise.declaredMachines),
  });
  const update = useMutation(
    trpc.enterprises.update.mutationOptions({
      onSuccess: onSaved,
      onError: (err) => setErrors(serverFieldErrors(err)),
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateDetails(d, t);
    setErrors(v);
    if (hasErrors(v)) return;
    update.mutate({
      enterprise: enterprise.key,
      name: d.name.trim(),
      nameEn: d.nameEn.trim(),
      industryCode: d.industryCode.trim().toUpperCase(),
      aboveScale: d.aboveScale,
      declaredMachines: Number(d.declaredMachines.trim()),
    });
  };
  const unplaced = update.error && !hasErrors(serverFieldErrors(update.error));
  return (
    <ModalDialog
      title={t("enterprise.edit", { name: nameOf(locale, enterprise) })}
      onClose={onClose}
      testId="enterprise-edit"
    >
      <form className="form-grid" onSubmit={submit} noValidate>
        <DetailFields id={id} d={d} errors={errors} set={patch} />
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
