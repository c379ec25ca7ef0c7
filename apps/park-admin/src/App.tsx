import { type ReactNode, useEffect } from "react";
import { Layout } from "./components/Layout.tsx";
import { Forbidden, Loading, NotFound, QueryError } from "./components/States.tsx";
import { useI18n } from "./i18n/index.tsx";
import { matchRoute, navigate, type Route, usePath } from "./lib/router.tsx";
import { canSee, SessionProvider, type SessionUser, useMe } from "./lib/session.tsx";
import { AdminPage } from "./pages/AdminPage.tsx";
import { AlertsPage } from "./pages/AlertsPage.tsx";
import { EnterprisePage } from "./pages/EnterprisePage.tsx";
import { IndustryPage } from "./pages/IndustryPage.tsx";
import { LedgerPage } from "./pages/LedgerPage.tsx";
import { LoginPage } from "./pages/LoginPage.tsx";
import { MachinePage } from "./pages/MachinePage.tsx";
import { OverviewPage } from "./pages/OverviewPage.tsx";
import { ParkPage } from "./pages/ParkPage.tsx";
import { ParksPage } from "./pages/ParksPage.tsx";
import { WallPage } from "./pages/WallPage.tsx";

function homeOf(user: SessionUser): string {
  return user.role === "enterprise-user" && user.enterpriseId ? `/enterprises/${user.enterpriseId}` : "/";
}

function page(route: Route, user: SessionUser): ReactNode {
  if (!canSee(user.role, route.page)) return <Forbidden />;
  switch (route.page) {
    case "overview":
      return <OverviewPage />;
    case "parks":
      return <ParksPage />;
    case "park":
      return <ParkPage parkId={route.id} />;
    case "enterprise":
      return <EnterprisePage enterpriseId={route.id} />;
    case "machine":
      return <MachinePage machineKey={route.key} />;
    case "industries":
      return <IndustryPage />;
    case "admin":
      return <AdminPage tab={route.tab} />;
    case "alerts":
      return <AlertsPage />;
    case "ledger":
      return <LedgerPage />;
    case "wall":
    case "login":
    case "notFound":
      return <NotFound />;
  }
}

export function App() {
  const path = usePath();
  const route = matchRoute(path);
  // The wall display signs in with its display token, never with a session: no login prompt there.
  if (route.page === "wall") return <WallPage />;
  return <SignedInApp path={path} route={route} />;
}

function SignedInApp({ path, route }: { path: string; route: Route }) {
  const me = useMe();
  const { t, setTimeZone } = useI18n();
  const user = me.data ?? null;
  const zone = user?.timeZone ?? undefined;
  useEffect(() => setTimeZone(zone), [zone, setTimeZone]);

  useEffect(() => {
    if (me.isPending) return;
    if (!user && route.page !== "login") navigate(`/login?next=${encodeURIComponent(path)}`, true);
    if (user && (route.page === "login" || (route.page === "overview" && user.role === "enterprise-user"))) {
      navigate(homeOf(user), true);
    }
  }, [me.isPending, user, route.page, path]);

  if (me.isPending) return <Loading label={t("common.loading")} />;
  if (me.isError && !user && route.page !== "login")
    return <QueryError error={me.error} onRetry={() => me.refetch()} />;
  if (!user) return <LoginPage />;
  return (
    <SessionProvider user={user}>
      <Layout route={route}>{page(route, user)}</Layout>
    </SessionProvider>
  );
}
