import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { roleLabel } from "../lib/roles.ts";
import { useUser } from "../lib/session.tsx";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { AdminTable } from "./AdminTable.tsx";
import { CreateUserForm } from "./CreateUserForm.tsx";
import { ErrorAlert, StatusNotice } from "./FormAlerts.tsx";
import { ModalDialog } from "./ModalDialog.tsx";
import { Loading, QueryError } from "./States.tsx";

type UserItem = RouterOutputs["users"]["list"]["items"][number];

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
      <StatusNotice message={notice} testId="users-notice" />
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => list.refetch()} />
      ) : (
        <>
          <AdminTable
            testId="users-table"
            caption={t("users.title")}
            columns={[
              { label: t("users.email") },
              { label: t("users.name") },
              { label: t("users.role") },
              { label: t("users.scope") },
              { label: t("users.status") },
              { label: t("users.createdAt") },
            ]}
            actionsLabel={t("common.actions")}
          >
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
          </AdminTable>
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
          <ErrorAlert error={setDisabled.error} />
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
