import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId } from "react";
import { useI18n } from "../i18n/index.tsx";
import { useFormDraft } from "../lib/form-draft.ts";
import { hasErrors } from "../lib/form-errors.ts";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useRowEditing } from "../lib/row-editing.ts";
import { useUser } from "../lib/session.tsx";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { AdminTable, EditRowCell } from "./AdminTable.tsx";
import { AssetKeyField, assetKeyError } from "./AssetKeyField.tsx";
import {
  EnterpriseDetailFields,
  type EnterpriseDetails,
  validateEnterpriseDetails,
} from "./EnterpriseDetailFields.tsx";
import { StatusNotice } from "./FormAlerts.tsx";
import { CreateFormCard, EditFormDialog } from "./FormCard.tsx";
import { FormField, TextField } from "./FormField.tsx";
import { Loading, QueryError } from "./States.tsx";

type Enterprise = RouterOutputs["enterprises"]["list"]["items"][number];

/**
 * GB 32100 unified social credit code shape: 18 characters from the code's alphabet (no I, O, S,
 * V, Z). The check digit is left to the server, whose error is shown on the field.
 */
export const CREDIT_CODE_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

interface NewEnterprise extends EnterpriseDetails {
  key: string;
  parkKey: string;
  creditCode: string;
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
  const rows = useRowEditing<Enterprise>(() =>
    Promise.all([
      qc.invalidateQueries({ queryKey: trpc.enterprises.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.parks.pathKey() }),
      qc.invalidateQueries({ queryKey: trpc.coverage.pathKey() }),
    ]),
  );
  if (q.isPending) return <Loading />;
  if (q.isError) return <QueryError error={q.error} onRetry={() => q.refetch()} />;
  return (
    <div className="stack">
      {canEdit && (
        <CreateEnterpriseForm
          parks={(parks.data?.items ?? []).map((p) => ({ key: p.key, label: nameOf(locale, p) }))}
          onCreated={(name) => rows.created(t("enterprise.created", { name }))}
        />
      )}
      <StatusNotice message={rows.notice} />
      <AdminTable
        testId="enterprises"
        columns={[
          { label: t("park.enterpriseCol") },
          { label: t("parks.name") },
          { label: t("enterprise.creditCode") },
          { label: t("enterprise.industry") },
          { label: t("enterprise.aboveScale") },
          { label: t("park.machines"), num: true },
        ]}
        actionsLabel={canEdit ? t("common.actions") : undefined}
      >
        {q.data.items.map((e) => (
          <tr key={e.id} data-key={e.key}>
            <th scope="row">
              <Link href={`/enterprises/${e.id}`}>{nameOf(locale, e)}</Link>
            </th>
            <td>{nameOf(locale, { name: e.parkName, nameEn: e.parkNameEn })}</td>
            <td className="mono">{e.creditCode}</td>
            <td>
              {e.industryCode} {e.industry ? (locale === "en" ? e.industry.en : e.industry.zh) : ""}
            </td>
            <td>{e.aboveScale ? t("common.yes") : t("common.no")}</td>
            <td className="num">
              {num(e.connectedMachines)} / {num(e.declaredMachines)}
            </td>
            {canEdit && (
              <EditRowCell
                label={t("enterprise.editAction", { name: nameOf(locale, e) })}
                onEdit={() => rows.edit(e)}
              />
            )}
          </tr>
        ))}
      </AdminTable>
      {rows.editing && (
        <EditEnterpriseDialog enterprise={rows.editing} onClose={rows.close} onSaved={rows.saved} />
      )}
    </div>
  );
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
  const { d, errors, setErrors, patch, showServerErrors, reset } = useFormDraft<NewEnterprise>(EMPTY_NEW);
  const parkKey = d.parkKey || parks[0]?.key || "";
  const create = useMutation(
    trpc.enterprises.create.mutationOptions({
      onSuccess: () => {
        onCreated(d.name.trim());
        reset({ ...EMPTY_NEW, parkKey });
      },
      onError: showServerErrors,
    }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateEnterpriseDetails(d, t);
    v.key = assetKeyError(d.key, t);
    if (!parkKey) v.parkKey = t("validation.required");
    const code = d.creditCode.trim().toUpperCase();
    if (!code) v.creditCode = t("validation.required");
    else if (!CREDIT_CODE_SHAPE.test(code)) v.creditCode = t("validation.creditCode");
    setErrors(v);
    if (hasErrors(v)) return;
    create.mutate({
      key: d.key.trim(),
      parkKey,
      name: d.name.trim(),
      ...(d.nameEn.trim() ? { nameEn: d.nameEn.trim() } : {}),
      creditCode: code,
      industryCode: d.industryCode.trim().toUpperCase(),
      aboveScale: d.aboveScale,
      declaredMachines: Number(d.declaredMachines.trim()),
    });
  };
  return (
    <CreateFormCard
      id={id}
      title={t("enterprise.create")}
      testId="enterprise-create"
      onSubmit={submit}
      error={create.error}
      pending={create.isPending}
    >
      <AssetKeyField
        id={`${id}-key`}
        label={t("enterprise.key")}
        error={errors.key}
        value={d.key}
        onValue={(key) => patch({ key })}
      />
      <FormField id={`${id}-park`} label={t("enterprise.park")} error={errors.parkKey}>
        <select name="parkKey" value={parkKey} onChange={(e) => patch({ parkKey: e.target.value })}>
          {parks.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
        </select>
      </FormField>
      <TextField
        id={`${id}-credit`}
        label={t("enterprise.creditCode")}
        error={errors.creditCode}
        name="creditCode"
        required
        maxLength={18}
        autoCapitalize="characters"
        spellCheck={false}
        className="mono"
        value={d.creditCode}
        onValue={(creditCode) => patch({ creditCode })}
      />
      <EnterpriseDetailFields id={id} d={d} errors={errors} set={patch} />
    </CreateFormCard>
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
  const { d, errors, setErrors, patch, showServerErrors } = useFormDraft<EnterpriseDetails>({
    name: enterprise.name,
    nameEn: enterprise.nameEn ?? "",
    industryCode: enterprise.industryCode,
    aboveScale: enterprise.aboveScale,
    declaredMachines: String(enterprise.declaredMachines),
  });
  const update = useMutation(
    trpc.enterprises.update.mutationOptions({ onSuccess: onSaved, onError: showServerErrors }),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateEnterpriseDetails(d, t);
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
  return (
    <EditFormDialog
      title={t("enterprise.edit", { name: nameOf(locale, enterprise) })}
      testId="enterprise-edit"
      onClose={onClose}
      onSubmit={submit}
      error={update.error}
      pending={update.isPending}
    >
      <EnterpriseDetailFields id={id} d={d} errors={errors} set={patch} />
    </EditFormDialog>
  );
}
