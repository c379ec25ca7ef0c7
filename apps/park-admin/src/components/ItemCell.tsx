import { useI18n } from "../i18n/index.tsx";
import type { RouterOutputs } from "../trpc.ts";

export type ItemResult =
  RouterOutputs["coverage"]["park"]["enterprises"][number]["coverage"]["items"][number];
export type ParkItemResult = RouterOutputs["coverage"]["park"]["park"]["coverage"]["items"][number];

/** ✓/✗ with its source (measured / declared / not declared) and, when declared, who and when. */
export function ItemCell({ r, onDeclare }: { r: ItemResult | ParkItemResult; onDeclare?: () => void }) {
  const { t, date } = useI18n();
  const d = r.declaration;
  const who = d ? t("declare.by", { who: d.declaredBy ?? "?", when: date(d.declaredAt) }) : null;
  const label = `${t(`item.${r.item}`)}: ${r.ok ? t("mark.ok") : t("mark.fail")} (${t(`source.${r.source}`)})${who ? `, ${who}` : ""}`;
  return (
    <div
      className={`item ${r.ok ? "item-ok" : "item-fail"}`}
      data-item={r.item}
      data-ok={r.ok}
      data-source={r.source}
    >
      <span className="item-mark" role="img" aria-label={label} title={label}>
        {r.ok ? "✓" : "✗"}
      </span>
      <span className={`item-src src-${r.source}`}>{t(`source.${r.source}`)}</span>
      {who && <span className="item-who">{who}</span>}
      {d?.evidenceUrl && (
        <a className="item-evidence" href={d.evidenceUrl} target="_blank" rel="noreferrer noopener">
          {t("declare.evidenceLink")}
        </a>
      )}
      {onDeclare && (
        <button
          type="button"
          className="btn btn-xs"
          onClick={onDeclare}
          aria-label={t("declare.title", { item: t(`item.${r.item}`) })}
        >
          {t("declare.action")}
        </button>
      )}
    </div>
  );
}
