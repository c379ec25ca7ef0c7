import { useI18n } from "../i18n/index.tsx";
import { type DeclarableItem, isDeclarable } from "./DeclareDialog.tsx";
import { ItemCell, type ItemResult, type ParkItemResult } from "./ItemCell.tsx";

/**
 * The coverage checklist of a park or an enterprise: each item (required ones starred) with its
 * result; declarable items get a Declare button when `onDeclare` is given.
 */
export function CoverageChecklist({
  items,
  onDeclare,
}: {
  items: readonly (ItemResult | ParkItemResult)[];
  onDeclare?: (item: DeclarableItem) => void;
}) {
  const { t } = useI18n();
  return (
    <ul className="checklist">
      {items.map((r) => {
        const item = r.item;
        return (
          <li key={item}>
            <span className="checklist-name">
              {t(`item.${item}`)}
              {r.required && <abbr title={t("mark.required")}>*</abbr>}
            </span>
            <ItemCell
              r={r}
              {...(onDeclare && isDeclarable(item) ? { onDeclare: () => onDeclare(item) } : {})}
            />
          </li>
        );
      })}
    </ul>
  );
}
