import { useI18n } from "../i18n/index.tsx";
import { Link } from "../lib/router.tsx";
import { machineKindKey } from "../machine/kinds.ts";
import { Freshness } from "./Freshness.tsx";

export interface MachineLive {
  id: number;
  key: string;
  name: string;
  kind: string;
  state: string | null;
  stateSince: string | null;
  lastTs: string | null;
}

const STATES = ["running", "idle", "setup", "down", "offline"] as const;
type State = (typeof STATES)[number];
function known(s: string | null): State | "unknown" {
  return (STATES as readonly (string | null)[]).includes(s) ? (s as State) : "unknown";
}

/** Machines with their live state, state duration and data age. */
export function MachineTable({ machines, now }: { machines: MachineLive[]; now: number }) {
  const { t, duration } = useI18n();
  if (machines.length === 0) return <p className="muted">{t("enterprise.noMachines")}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="machines">
        <thead>
          <tr>
            <th scope="col">{t("enterprise.machine")}</th>
            <th scope="col">{t("enterprise.kind")}</th>
            <th scope="col">{t("enterprise.state")}</th>
            <th scope="col">{t("enterprise.since")}</th>
            <th scope="col">{t("enterprise.lastData")}</th>
          </tr>
        </thead>
        <tbody>
          {machines.map((m) => {
            const s = known(m.state);
            return (
              <tr key={m.id} data-machine={m.key}>
                <th scope="row">
                  <Link
                    href={`/machines/${encodeURIComponent(m.key)}`}
                    aria-label={t("machine.open", { name: m.name })}
                  >
                    {m.name}
                  </Link>
                  <div className="muted small">{m.key}</div>
                </th>
                <td>{t(machineKindKey(m.kind))}</td>
                <td>
                  <span className={`state state-${s}`} data-state={s}>
                    <span className="dot" aria-hidden="true" />
                    {t(`state.${s}`)}
                  </span>
                </td>
                <td>{m.stateSince ? duration(Math.max(0, now - new Date(m.stateSince).getTime())) : "—"}</td>
                <td>
                  <Freshness at={m.lastTs} now={now} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
