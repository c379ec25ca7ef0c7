import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useRef, useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import {
  EMAIL_PATTERN,
  type FieldErrors,
  hasErrors,
  MIN_PASSWORD,
  serverFieldErrors,
} from "../lib/form-errors.ts";
import { nameOf } from "../lib/names.ts";
import { useUser } from "../lib/session.tsx";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../trpc.ts";
import { FieldGroup, FormField } from "./FormField.tsx";
import { ModalDialog } from "./ModalDialog.tsx";
import { Loading, QueryError } from "./States.tsx";

type UserItem = RouterOutputs["users"]["list"]["items"][number];
type Role = UserItem["role"];
const ROLES: readonly Role[] = ["city-admin", "park-manager", "enterprise-user"];
const ROLE_LABEL: Record<Role, MessageKey> = {
  "city-admin": "role.city-admin",
  "park-manager": "role.park-manager",
  "enterprise-user": "role.enterprise-user",
};
const roleLabel = (r: Role): MessageKey => ROLE_LABEL[r];

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

/** Users (city admin only): list, create, disable and enable. */
export function UsersPanel() {
  const { t, dateTime, locale } = useI18n();
  const trpc = useTRPC();
  const me = useUser();
  const qc = useQueryClient();
  const list = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions({ limit: 100 }, { getNextPageParam: (p) => p.nextCursor }),
  );
  const parks = useQuery(trpc.parks.list.queryOptions({ limit: 500 }));
  const ents = useQuery(trpc.enterprises.list.queryOptions({ limit: 500 }));
  const [confirm, setConfirm] = useState<UserItem | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const setDisabled = useMutation(
    trpc.users.setDisabled.mutationOptions({
      onSuccess: async (u) => {
        setConfirm(null);
        setNotice(t(u.disabled ? "users.disabledDone" : "users.enabledDone", { email: u.email }));
        await qc.invalidateQueries({ queryKey: trpc.users.list.pathKey() });
      },
    }),
  );

  const parkName = new Map((parks.data?.items ?? []).map((p) => [p.key, nameOf(locale, p)]));
  const entName = new Map((ents.data?.items ?? []).map((x) => [x.key, nameOf(locale, x)]));
  const scopeOf = (u: UserItem): string => {
    if (u.role === "city-admin") return t("users.scopeCity");
    if (u.role === "enterprise-user")
      return u.enterpriseKey ? (entName.get(u.enterpriseKey) ?? u.enterpriseKey) : "—";
    return u.parkKeys.length ? u.parkKeys.map((k) => parkName.get(k) ?? k).join("、") : "—";
  };

  return (
    <div className="stack" data-testid="users-panel">
      <CreateUserForm
        parks={(parks.data?.items ?? []).map((p) => ({ key: p.key, label: nameOf(locale, p) }))}
        enterprises={(ents.data?.items ?? []).map((x) => ({
          key: x.key,
          label: `${nameOf(locale, x)} · ${x.parkName}`,
        }))}
        onCreated={(u) => {
          setNotice(t("users.created", { email: u.email }));
          void qc.invalidateQueries({ queryKey: trpc.users.list.pathKey() });
        }}
      />
      {notice && (
        <p className="form-ok" role="status" data-testid="users-notice">
          {notice}
        </p>
      )}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <>
          <div className="table-wrap">
            <table className="table" data-testid="users-table">
              <caption className="sr-only">{t("users.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("users.email")}</th>
                  <th scope="col">{t("users.name")}</th>
                  <th scope="col">{t("users.role")}</th>
                  <th scope="col">{t("users.scope")}</th>
                  <th scope="col">{t("users.status")}</th>
                  <th scope="col">{t("users.createdAt")}</th>
                  <th scope="col">
                    <span className="sr-only">{t("common.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.pages.flatMap((p) => p.items).length === 0 && (
                  <tr>
                    <td colSpan={7} className="muted">
                      {t("users.empty")}
                    </td>
                  </tr>
                )}
                {list.data.pages
                  .flatMap((p) => p.items)
                  .map((u) => (
                    <tr key={u.id} data-email={u.email} className={u.disabled ? "row-sub" : undefined}>
                      <th scope="row" className="mono">
                        {u.email}
                      </th>
                      <td>
                        {u.name}
                        {u.id === me.id ? ` ${t("users.self")}` : ""}
                      </td>
                      <td>{t(roleLabel(u.role))}</td>
                      <td>{scopeOf(u)}</td>
                      <td>
                        <span
                          className={u.disabled ? "badge badge-bad" : "badge badge-good"}
                          data-testid="user-status"
                        >
                          {u.disabled ? t("users.disabled") : t("users.active")}
                        </span>
                      </td>
                      <td>{dateTime(new Date(u.createdAt))}</td>
                      <td>
                        {u.id !== me.id && (
                          <button
                            type="button"
                            className={u.disabled ? "btn btn-xs" : "btn btn-xs btn-danger"}
                            aria-label={`${u.disabled ? t("users.enable") : t("users.disable")} ${u.email}`}
                            onClick={() => {
                              setDisabled.reset();
                              setConfirm(u);
                            }}
                          >
                            {u.disabled ? t("users.enable") : t("users.disable")}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
          {list.hasNextPage && (
            <div className="row-end">
              <button
                type="button"
                className="btn"
                disabled={list.isFetchingNextPage}
                onClick={() => void list.fetchNextPage()}
              >
                {t("common.loadMore")}
              </button>
            </div>
          )}
        </>
      )}
      {confirm && (
        <ModalDialog
          title={confirm.disabled ? t("users.enableTitle") : t("users.disableTitle")}
          onClose={() => setConfirm(null)}
          testId="confirm-disable"
        >
          <p>
            {confirm.disabled
              ? t("users.confirmEnable", { email: confirm.email })
              : t("users.confirmDisable", { email: confirm.email })}
          </p>
          {setDisabled.error && (
            <p className="form-error" role="alert">
              {t("common.error", { message: setDisabled.error.message })}
            </p>
          )}
          <div className="row-end">
            <button type="button" className="btn" onClick={() => setConfirm(null)}>
              {t("common.cancel")}
            </button>
            <button
              type="button"
              className={confirm.disabled ? "btn btn-primary" : "btn btn-primary btn-danger-solid"}
              data-autofocus
              disabled={setDisabled.isPending}
              onClick={() => setDisabled.mutate({ id: confirm.id, disabled: !confirm.disabled })}
            >
              {confirm.disabled ? t("users.enable") : t("users.disable")}
            </button>
          </div>
        </ModalDialog>
      )}
    </div>
  );
}

type CreateInput = RouterInputs["users"]["create"];

function CreateUserForm({
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
  const [d, setD] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (u) => {
        setD(EMPTY);
        setErrors({});
        onCreated(u);
      },
      onError: (err) => {
        const fe = serverFieldErrors(err);
        setErrors(fe);
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
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    if (errors[k] !== undefined) setErrors((e) => ({ ...e, [k]: undefined }));
  };
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
  const unplaced = create.error && !hasErrors(serverFieldErrors(create.error));
  return (
    <section className="panel form-card" data-testid="user-create" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("users.create")}</h2>
      <form ref={formRef} className="form-grid" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
        <FormField id={`${id}-email`} label={t("users.email")} error={errors.email}>
          <input
            type="email"
            name="email"
            autoComplete="off"
            required
            value={d.email}
            onChange={(e) => set("email", e.target.value)}
          />
        </FormField>
        <FormField id={`${id}-name`} label={t("users.name")} error={errors.name}>
          <input
            type="text"
            name="name"
            required
            value={d.name}
            onChange={(e) => set("name", e.target.value)}
          />
        </FormField>
        <FormField id={`${id}-role`} label={t("users.role")} error={errors.role}>
          <select name="role" value={d.role} onChange={(e) => set("role", e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(roleLabel(r))}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          id={`${id}-password`}
          label={t("users.password")}
          error={errors.password}
          hint={t("users.passwordHint", { min: MIN_PASSWORD })}
        >
          <input
            type="password"
            name="password"
            autoComplete="new-password"
            required
            minLength={MIN_PASSWORD}
            value={d.password}
            onChange={(e) => set("password", e.target.value)}
          />
        </FormField>
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
                    set(
                      "parkKeys",
                      e.target.checked ? [...d.parkKeys, p.key] : d.parkKeys.filter((k) => k !== p.key),
                    )
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
              onChange={(e) => set("enterpriseKey", e.target.value)}
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
        {unplaced && create.error && (
          <p className="form-error form-wide" role="alert">
            {t("common.error", { message: create.error.message })}
          </p>
        )}
        {hasErrors(errors) && (
          <p className="sr-only" role="alert">
            {t("common.fixErrors")}
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
