import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { useI18n } from "../i18n/index.tsx";
import { Link, navigate, type Route } from "../lib/router.tsx";
import { useUser } from "../lib/session.tsx";
import { useTRPC } from "../trpc.ts";
import { LocaleSwitch } from "./LocaleSwitch.tsx";

function NavLink({ href, active, children }: { href: string; active: boolean; children: ReactNode }) {
  return (
    <Link
      href={href}
      className={active ? "nav-link active" : "nav-link"}
      aria-current={active ? "page" : undefined}
    >
      {children}
    </Link>
  );
}

/** The number of open (unacknowledged) alerts the user may see, refreshed every 30 s. */
function AlertBadge() {
  const { t, num } = useI18n();
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.alerts.list.queryOptions({ status: "open", limit: 1 }),
    refetchInterval: 30_000,
  });
  const n = q.data?.counts.open ?? 0;
  if (n === 0) return null;
  return (
    <span className="nav-badge" data-testid="alert-badge" data-count={n} title={t("alerts.badge", { n })}>
      <span aria-hidden="true">{num(n)}</span>
      <span className="sr-only">{t("alerts.badge", { n })}</span>
    </span>
  );
}

export function Layout({ route, children }: { route: Route; children: ReactNode }) {
  const { t } = useI18n();
  const user = useUser();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: async () => {
        qc.clear();
        navigate("/login", true);
        await qc.invalidateQueries();
      },
    }),
  );
  const staff = user.role !== "enterprise-user";
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            W
          </span>
          <span className="brand-text">{t("app.title")}</span>
        </Link>
        <nav aria-label={t("nav.main")} className="nav">
          {staff && (
            <>
              <NavLink href="/" active={route.page === "overview"}>
                {t("nav.overview")}
              </NavLink>
              <NavLink href="/parks" active={route.page === "parks" || route.page === "park"}>
                {t("nav.parks")}
              </NavLink>
              <NavLink href="/industries" active={route.page === "industries"}>
                {t("nav.industries")}
              </NavLink>
              <NavLink href="/admin" active={route.page === "admin"}>
                {t("nav.admin")}
              </NavLink>
            </>
          )}
          <NavLink href="/alerts" active={route.page === "alerts"}>
            {t("nav.alerts")}
            <AlertBadge />
          </NavLink>
          <NavLink href="/ledger" active={route.page === "ledger"}>
            {t("nav.ledger")}
          </NavLink>
        </nav>
        <div className="topbar-end">
          <LocaleSwitch />
          <span className="user" title={user.email}>
            <span className="user-name">{user.name || user.email}</span>
            <span className="role-badge">{t(`role.${user.role}`)}</span>
          </span>
          <button type="button" className="btn btn-ghost" onClick={() => logout.mutate()}>
            {t("auth.logout")}
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
