import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";

/**
 * An admin list's row being edited in a dialog, and the notice above the list. `created` and
 * `saved` show their notice and reload the list through `refresh`.
 */
export function useRowEditing<Row>(refresh: () => Promise<unknown>) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<Row | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return {
    editing,
    notice,
    edit: (row: Row) => setEditing(row),
    close: () => setEditing(null),
    /** After the create form sent a new row. */
    created: (message: string) => {
      setNotice(message);
      void refresh();
    },
    /** After the edit dialog saved: it closes. */
    saved: () => {
      setEditing(null);
      setNotice(t("common.saved"));
      void refresh();
    },
  };
}
