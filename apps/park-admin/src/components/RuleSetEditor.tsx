import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { errorText, Loading, QueryError } from "./States.tsx";

type Rule = RouterOutputs["coverage"]["ruleSet"]["get"]["items"][number];
type ItemKey =
  | RouterOutputs["coverage"]["park"]["enterprises"][number]["coverage"]["items"][number]["item"]
  | RouterOutputs["coverage"]["park"]["park"]["coverage"]["items"][number]["item"];

const THRESHOLDS = [
  "minRatio",
  "connectedWithinHours",
  "withinHours",
  "minMachines",
  "minAreas",
  "minGrade",
  "minLevel",
] as const;
const isRatio = (k: string) => /Ratio$/.test(k);
/** The dictionary key naming a rule threshold (never the code name such as `minRatio`). */
function thresholdKey(k: string): MessageKey {
  return (THRESHOLDS as readonly string[]).includes(k) ? (`threshold.${k}` as MessageKey) : "threshold.other";
}

/** The city's coverage rule set: required flags, weights and numeric thresholds (city admins edit). */
export function RuleSetEditor({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const q = useQuery(trpc.coverage.ruleSet.get.queryOptions());
  const [rules, setRules] = useState<Rule[] | null>(null);
  useEffect(() => {
    if (q.data) setRules(q.data.items);
  }, [q.data]);
  const save = useMutation(
    trpc.coverage.ruleSet.update.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.coverage.pathKey() }),
    }),
  );
  if (q.isPending || !rules) return <Loading />;
  if (q.isError) return <QueryError error={q.error} />;
  const update = (i: number, patch: Partial<Rule>) =>
    setRules(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const setThreshold = (i: number, key: string, v: string) => {
    const r = rules[i];
    if (!r) return;
    update(i, { threshold: { ...(r.threshold ?? {}), [key]: Number(v) } });
  };
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({
          items: rules.map((r) => ({
            item: r.item as ItemKey,
            required: r.required,
            weight: r.weight,
            ...(r.threshold ? { threshold: r.threshold } : {}),
          })),
        });
      }}
    >
      {!editable && <p className="muted">{t("admin.cityAdminOnly")}</p>}
      <div className="table-wrap">
        <table className="table" data-testid="rule-set">
          <thead>
            <tr>
              <th scope="col">{t("admin.ruleItem")}</th>
              <th scope="col">{t("admin.ruleLevel")}</th>
              <th scope="col">{t("admin.ruleKind")}</th>
              <th scope="col">{t("admin.ruleRequired")}</th>
              <th scope="col">{t("admin.ruleWeight")}</th>
              <th scope="col">{t("admin.ruleThreshold")}</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((r, i) => {
              const name = t(`item.${r.item as ItemKey}`);
              return (
                <tr key={r.item} data-rule={r.item}>
                  <th scope="row">{name}</th>
                  <td>{t(`admin.level.${r.level}`)}</td>
                  <td>{t(`admin.kind.${r.kind}`)}</td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${name}: ${t("admin.ruleRequired")}`}
                      checked={r.required}
                      disabled={!editable}
                      onChange={(e) => update(i, { required: e.target.checked })}
                    />
                  </td>
                  <td>
                    <input
                      type="number"
                      min={0}
                      max={100}
                      step={0.5}
                      className="input-sm"
                      aria-label={`${name}: ${t("admin.ruleWeight")}`}
                      value={r.weight}
                      disabled={!editable}
                      onChange={(e) => update(i, { weight: Number(e.target.value) })}
                    />
                  </td>
                  <td>
                    {Object.entries(r.threshold ?? {})
                      .filter(([, v]) => typeof v === "number")
                      .map(([k, v]) => (
                        <label key={k} className="threshold">
                          <span className="small">{t(thresholdKey(k))}</span>
                          <input
                            type="number"
                            step="any"
                            min={0}
                            className="input-sm"
                            // Ratios are edited as percentages (50, not 0.5) and stored as ratios.
                            value={String(isRatio(k) ? Math.round(Number(v) * 1000) / 10 : v)}
                            disabled={!editable}
                            onChange={(e) =>
                              setThreshold(
                                i,
                                k,
                                isRatio(k) ? String(Number(e.target.value) / 100) : e.target.value,
                              )
                            }
                          />
                          {isRatio(k) && <span className="small">%</span>}
                        </label>
                      ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {save.isError && (
        <p className="form-error" role="alert">
          {errorText(t, save.error)}
        </p>
      )}
      {save.isSuccess && (
        <p className="form-ok" role="status">
          {t("admin.rulesSaved")}
        </p>
      )}
      {editable && (
        <div className="row-end" style={{ marginTop: 12 }}>
          <button
            type="submit"
            className="btn btn-primary"
            disabled={save.isPending}
            data-testid="rules-save"
          >
            {t("common.save")}
          </button>
        </div>
      )}
    </form>
  );
}
