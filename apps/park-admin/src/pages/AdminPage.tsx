import type { ReactNode } from "react";
import { DisplaysPanel } from "../components/DisplaysPanel.tsx";
import { EnterprisesAdminPanel } from "../components/EnterprisesAdminPanel.tsx";
import { GatewaysPanel } from "../components/GatewaysPanel.tsx";
import { ImportPanel } from "../components/ImportPanel.tsx";
import { ParksAdminPanel } from "../components/ParksAdminPanel.tsx";
import { RuleSetEditor } from "../components/RuleSetEditor.tsx";
import { UsersPanel } from "../components/UsersPanel.tsx";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { Link } from "../lib/router.tsx";
import { useUser } from "../lib/session.tsx";

const TABS: { id: string; label: MessageKey; cityAdminOnly?: boolean }[] = [
  { id: "rules", label: "admin.rules" },
  { id: "import", label: "admin.import" },
  { id: "parks", label: "admin.parks" },
  { id: "enterprises", label: "admin.enterprises" },
  { id: "gateways", label: "admin.gateways" },
  { id: "users", label: "admin.users", cityAdminOnly: true },
  { id: "displays", label: "admin.displays", cityAdminOnly: true },
];

export function AdminPage({ tab }: { tab: string }) {
  const { t } = useI18n();
  const user = useUser();
  const cityAdmin = user.role === "city-admin";
  const tabs = TABS.filter((x) => cityAdmin || !x.cityAdminOnly);
  const current = tabs.find((x) => x.id === tab)?.id ?? "rules";
  let body: ReactNode;
  switch (current) {
    case "import":
      body = <ImportPanel />;
      break;
    case "parks":
      body = <ParksAdminPanel />;
      break;
    case "enterprises":
      body = <EnterprisesAdminPanel />;
      break;
    case "gateways":
      body = <GatewaysPanel />;
      break;
    case "users":
      body = <UsersPanel />;
      break;
    case "displays":
      body = <DisplaysPanel />;
      break;
    default:
      body = <RuleSetEditor editable={cityAdmin} />;
  }
  return (
    <section aria-labelledby="admin-title">
      <div className="page-head">
        <h1 id="admin-title">{t("admin.title")}</h1>
      </div>
      <nav className="tabs" aria-label={t("admin.tabs")}>
        {tabs.map((x) => (
          <Link
            key={x.id}
            href={`/admin/${x.id}`}
            className="tab"
            aria-current={x.id === current ? "page" : undefined}
          >
            {t(x.label)}
          </Link>
        ))}
      </nav>
      {body}
    </section>
  );
}
