import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { Link } from "../lib/router.tsx";
import { useTRPC } from "../trpc.ts";
import { Loading, QueryError } from "./States.tsx";

type Kind = "machine" | "enterprise" | "park";
type By = "oee" | "runningRate";

/** A daily trend as an inline SVG polyline (dozens of rows: no chart instance per row). */
function Sparkline({ values, label }: { values: (number | null)[]; label: string }) {
  const w = 96;
  const h = 24;
  const pts = values
    .map((v, i) =>
      v === null
        ? null
        : `${(i / Math.max(1, values.length - 1)) * w},${h - Math.max(0, Math.min(1, v)) * h}`,
    )
    .filter((p): p is string => p !== null);
  return (
    <svg width={w} height={h} role="img" aria-label={label} className="spark">
      <polyline points={pts.join(" ")} fill="none" stroke="#1d5bd8" strokeWidth="1.5" />
    </svg>
  );
}

/**
 * Machines, enterprises or parks ranked by OEE or 开机率, with a sparkline per row. With `industry`
 * and worst-first order it explains an industry's number: the machines that pull it down.
 */
export function Rankings({
  range,
  industry,
  initial = { kind: "enterprise", by: "oee", order: "best" },
  testId = "rankings",
}: {
  range: { from: number; to: number };
  industry?: string;
  initial?: { kind: Kind; by: By; order: "best" | "worst" };
  testId?: string;
}) {
  const { t, pct, locale } = useI18n();
  const trpc = useTRPC();
  const [kind, setKind] = useState<Kind>(initial.kind);
  const [by, setBy] = useState<By>(initial.by);
  const q = useQuery(
    trpc.rankings.list.queryOptions({
      kind,
      by,
      order: initial.order,
      range,
      limit: 10,
      ...(industry ? { industry } : {}),
    }),
  );
  return (
    <div data-testid={testId}>
      <div className="toolbar">
        <label className="field">
          <span>{t("rank.kind")}</span>
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {(["machine", "enterprise", "park"] as const).map((k) => (
              <option key={k} value={k}>
                {t(`rank.kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>{t("rank.by")}</span>
          <select value={by} onChange={(e) => setBy(e.target.value as By)}>
            <option value="oee">{t("machine.oee")}</option>
            <option value="runningRate">{t("machine.runningRate")}</option>
          </select>
        </label>
      </div>
      {q.isPending ? (
        <Loading />
      ) : q.isError ? (
        <QueryError error={q.error} onRetry={() => q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <p className="muted">{t("rank.empty")}</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t(`rank.kind.${kind}`)}</th>
              <th scope="col" className="num">
                {by === "oee" ? t("machine.oee") : t("machine.runningRate")}
              </th>
              <th scope="col">{t("rank.trend")}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((r) => {
              const name = nameOf(locale, { name: r.name ?? "", nameEn: r.nameEn ?? null });
              const href =
                kind === "machine"
                  ? `/machines/${r.id}`
                  : kind === "enterprise"
                    ? `/enterprises/${r.id}`
                    : `/parks/${r.id}`;
              return (
                <tr key={r.id} data-rank={r.rank}>
                  <td>{r.rank}</td>
                  <th scope="row">
                    <Link href={href}>{name}</Link>
                    {r.enterpriseName && (
                      <div className="muted small">
                        {nameOf(locale, { name: r.enterpriseName, nameEn: r.enterpriseNameEn ?? null })}
                      </div>
                    )}
                  </th>
                  <td className="num">{r.value === null ? t("rank.noData") : pct(r.value)}</td>
                  <td>
                    <Sparkline values={r.spark} label={t("rank.trendOf", { name })} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
