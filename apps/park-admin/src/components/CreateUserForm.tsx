import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useId, useRef } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { useFormDraft } from "../lib/form-draft.ts";
import { EMAIL_PATTERN, type FieldErrors, hasErrors, MIN_PASSWORD } from "../lib/form-errors.ts";
import { ROLES, type Role, roleLabel } from "../lib/roles.ts";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../trpc.ts";
import { CreateFormCard } from "./FormCard.tsx";
import { FieldGroup, FormField, TextField } from "./FormField.tsx";

type UserItem = RouterOutputs["users"]["list"]["items"][number];

interface Draft {
  email: string;
  name: string;
  role: Role;
  password: string;
  parkKeys: string[];
  enterpriseKey: string;
}
const EMPTY: Draft = {
  email: "",
  name: "",
  role: "park-manager",
  password: "",
  parkKeys: [],
  enterpriseKey: "",
};

/** Client-side checks, the same rules the server applies (the server still decides). */
export function validateUserDraft(
  d: Draft,
  t: (k: MessageKey, p?: Record<string, number>) => string,
): FieldErrors {
  const e: FieldErrors = {};
  if (!d.email.trim()) e.email = t("validation.required");
  else if (!EMAIL_PATTERN.test(d.email.trim())) e.email = t("validation.email");
  if (!d.name.trim()) e.name = t("validation.required");
  if (d.password.length < MIN_PASSWORD) e.password = t("validation.passwordLength", { min: MIN_PASSWORD });
  if (d.role === "park-manager" && d.parkKeys.length === 0) e.parkKeys = t("validation.parksRequired");
  if (d.role === "enterprise-user" && !d.enterpriseKey) e.enterpriseKey = t("validation.enterpriseRequired");
  return e;
}

type CreateInput = RouterInputs["users"]["create"];

/** The "New user" card of the users panel (city admin only). */
export function CreateUserForm({
  parks,
  enterprises,
  onCreated,
}: {
  parks: { key: string; label: string }[];
  enterprises: { key: string; label: string }[];
  onCreated: (u: UserItem) => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const { d, errors, setErrors, patch, showServerErrors, reset } = useFormDraft<Draft>(EMPTY);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (u) => {
        reset(EMPTY);
        onCreated(u);
      },
      onError: (err) => {
        showServerErrors(err);
        focusFirstInvalid();
      },
    }),
  );
  const focusFirstInvalid = () =>
    requestAnimationFrame(() => {
      formRef.current
        ?.querySelector<HTMLElement>(
          'input[aria-invalid="true"], select[aria-invalid="true"], fieldset[aria-invalid="true"] input',
        )
        ?.focus();
    });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateUserDraft(d, t);
    setErrors(v);
    if (hasErrors(v)) {
      focusFirstInvalid();
      return;
    }
    const input: CreateInput = {
      email: d.email.trim(),
      name: d.name.trim(),
      role: d.role,
      password: d.password,
      ...(d.role === "park-manager" ? { parkKeys: d.parkKeys } : {}),
      ...(d.role === "enterprise-user" ? { enterpriseKey: d.enterpriseKey } : {}),
    };
    create.mutate(input);
  };
  return (
    <CreateFormCard
      id={id}
      title={t("users.create")}
      testId="user-create"
      formRef={formRef}
      announceInvalid={hasErrors(errors)}
      onSubmit={submit}
      error={create.error}
      pending={create.isPending}
    >
      <TextField
        id={`${id}-email`}
        label={t("users.email")}
        error={errors.email}
        type="email"
        name="email"
        autoComplete="off"
        required
        value={d.email}
        onValue={(email) => patch({ email })}
      />
      <TextField
        id={`${id}-name`}
        label={t("users.name")}
        error={errors.name}
        name="name"
        required
        value={d.name}
        onValue={(name) => patch({ name })}
      />
      <FormField id={`${id}-role`} label={t("users.role")} error={errors.role}>
        <select name="role" value={d.role} onChange={(e) => patch({ role: e.target.value as Role })}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(roleLabel(r))}
            </option>
          ))}
        </select>
      </FormField>
      <TextField
        id={`${id}-password`}
        label={t("users.password")}
        error={errors.password}
        hint={t("users.passwordHint", { min: MIN_PASSWORD })}
        type="password"
        name="password"
        autoComplete="new-password"
        required
        minLength={MIN_PASSWORD}
        value={d.password}
        onValue={(password) => patch({ password })}
      />
      {d.role === "park-manager" && (
        <FieldGroup id={`${id}-parks`} legend={t("users.parks")} error={errors.parkKeys}>
          {parks.map((p) => (
            <label key={p.key} className="check">
              <input
                type="checkbox"
                name="parkKeys"
                value={p.key}
                checked={d.parkKeys.includes(p.key)}
                onChange={(e) =>
                  patch({
                    parkKeys: e.target.checked
                      ? [...d.parkKeys, p.key]
                      : d.parkKeys.filter((k) => k !== p.key),
                  })
                }
              />
              {p.label}
            </label>
          ))}
        </FieldGroup>
      )}
      {d.role === "enterprise-user" && (
        <FormField id={`${id}-enterprise`} label={t("users.enterprise")} error={errors.enterpriseKey}>
          <select
            name="enterpriseKey"
            value={d.enterpriseKey}
            onChange={(e) => patch({ enterpriseKey: e.target.value })}
          >
            <option value="">{t("users.chooseEnterprise")}</option>
            {enterprises.map((x) => (
              <option key={x.key} value={x.key}>
                {x.label}
              </option>
            ))}
          </select>
        </FormField>
      )}
    </CreateFormCard>
  );
}
