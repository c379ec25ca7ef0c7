import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { downloadBase64 } from "../lib/names.ts";
import { useTRPC } from "../trpc.ts";

/** Download the coverage table as CSV or XLSX (each item marked measured or declared). */
export function ExportButtons({ parkId }: { parkId?: number }) {
  const { t, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (format: "csv" | "xlsx") => {
    setBusy(format);
    try {
      const opts = trpc.coverage.export.queryOptions({ format, locale, ...(parkId ? { parkId } : {}) });
      downloadBase64(await qc.fetchQuery({ ...opts, staleTime: 0 }));
    } finally {
      setBusy(null);
    }
  };
  return (
    <fieldset className="btn-group">
      <legend className="sr-only">{t("overview.export")}</legend>
      <button
        type="button"
        className="btn"
        disabled={busy !== null}
        onClick={() => run("csv")}
        data-testid="export-csv"
      >
        {t("export.csv")}
      </button>
      <button
        type="button"
        className="btn"
        disabled={busy !== null}
        onClick={() => run("xlsx")}
        data-testid="export-xlsx"
      >
        {t("export.xlsx")}
      </button>
    </fieldset>
  );
}
