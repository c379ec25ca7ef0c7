import type { ReactNode } from "react";
import { useI18n } from "../i18n/index.tsx";

export interface AdminColumn {
  label: string;
  /** A number column: right-aligned. */
  num?: boolean;
}

/**
 * An admin list as a scrollable table: one header row of `columns`, then an actions column whose
 * header only a screen reader hears (when `actionsLabel` is given). The rows are the children.
 */
export function AdminTable({
  testId,
  caption,
  columns,
  actionsLabel,
  children,
}: {
  testId: string;
  caption?: string;
  columns: readonly AdminColumn[];
  actionsLabel?: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        {caption && <caption className="sr-only">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" className={c.num ? "num" : undefined}>
                {c.label}
              </th>
            ))}
            {actionsLabel && (
              <th scope="col">
                <span className="sr-only">{actionsLabel}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** A row's Edit button cell; `label` names the row for a screen reader ("Edit Wenling Park"). */
export function EditRowCell({ label, onEdit }: { label: string; onEdit: () => void }) {
  const { t } = useI18n();
  return (
    <td>
      <button type="button" className="btn btn-xs" aria-label={label} onClick={onEdit}>
        {t("common.edit")}
      </button>
    </td>
  );
}
