import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useI18n } from "../i18n/index.tsx";
import { nameOf } from "../lib/names.ts";
import { type RouterOutputs, useTRPC } from "../trpc.ts";
import { errorText } from "./States.tsx";

/** Same limit as the brain (5 MB); checked here first so a huge file is never uploaded. */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

type Report = RouterOutputs["coverage"]["imports"]["preview"];

async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function ReportTable({ report }: { report: Report }) {
  const { t, num, list } = useI18n();
  return (
    <div className="table-wrap">
      <table className="table" data-testid="import-report">
        <thead>
          <tr>
            <th scope="col" className="num">
              {t("import.line")}
            </th>
            <th scope="col">{t("park.enterpriseCol")}</th>
            <th scope="col">{t("enterprise.creditCode")}</th>
            <th scope="col">{t("import.status")}</th>
            <th scope="col">{t("import.problems")}</th>
          </tr>
        </thead>
        <tbody>
          {report.rows.map((r) => (
            <tr key={r.line} className={r.ok ? "" : "row-bad"} data-line={r.line} data-ok={r.ok}>
              <td className="num">{num(r.line)}</td>
              <td>{r.values.name}</td>
              <td className="mono">{r.values.creditCode}</td>
              <td>
                <span className={r.ok ? "badge badge-good" : "badge badge-bad"}>{r.ok ? "✓" : "✗"}</span>
              </td>
              <td>
                {list(
                  r.issues.map((i) =>
                    i.value
                      ? t("import.row.withValue", { problem: t(`import.row.${i.problem}`), value: i.value })
                      : t(`import.row.${i.problem}`),
                  ),
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Import enterprises from CSV/XLSX: validate row by row, then import only the accepted valid rows. */
export function ImportPanel() {
  const { t, num, locale } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const parks = useQuery(trpc.parks.list.queryOptions({ limit: 500 }));
  const [file, setFile] = useState<{ filename: string; base64: string } | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [fileName, setFileName] = useState<string | null>(null);
  const [parkId, setParkId] = useState<number | null>(null);
  const preview = useMutation(trpc.coverage.imports.preview.mutationOptions());
  const commit = useMutation(
    trpc.coverage.imports.commit.mutationOptions({ onSuccess: () => qc.invalidateQueries() }),
  );
  const report = preview.data;
  const defaultPark = parkId ?? parks.data?.items[0]?.id ?? null;

  const choose = async (f: File | undefined) => {
    preview.reset();
    commit.reset();
    setFile(null);
    setFileError(null);
    setFileName(f?.name ?? null);
    if (!f) return;
    if (f.size > MAX_IMPORT_BYTES) {
      setFileError(
        t("import.tooLarge", {
          size: `${num(f.size / 1048576, 1)} MB`,
          max: `${num(MAX_IMPORT_BYTES / 1048576)} MB`,
        }),
      );
      return;
    }
    setFile({ filename: f.name, base64: await toBase64(f) });
  };
  const validate = (e: FormEvent) => {
    e.preventDefault();
    if (file) preview.mutate({ ...file, defaultParkId: defaultPark });
  };
  const accept = () => {
    if (!file || !report) return;
    const lines = report.rows.filter((r) => r.ok).map((r) => r.line);
    commit.mutate({ ...file, defaultParkId: defaultPark, acceptLines: lines });
  };
  return (
    <div className="stack">
      <p className="muted">{t("import.template")}</p>
      <form className="import-form" onSubmit={validate}>
        <div className="field">
          <span id="import-file-label">{t("import.file")}</span>
          <span className="file-pick">
            <label className="btn">
              <input
                type="file"
                className="sr-only"
                aria-labelledby="import-file-label"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                data-testid="import-file"
                onChange={(e) => void choose(e.target.files?.[0])}
              />
              {t("import.choose")}
            </label>
            <span className="muted">{fileName ?? t("import.noFile")}</span>
          </span>
        </div>
        <label className="field">
          <span>{t("import.defaultPark")}</span>
          <select value={defaultPark ?? ""} onChange={(e) => setParkId(Number(e.target.value))}>
            {parks.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {nameOf(locale, p)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          className="btn btn-primary field"
          disabled={!file || preview.isPending}
          data-testid="import-validate"
        >
          {t("import.preview")}
        </button>
      </form>
      {fileError && (
        <p className="form-error" role="alert" data-testid="import-file-error">
          {fileError}
        </p>
      )}
      {preview.isError && (
        <p className="form-error" role="alert">
          {errorText(t, preview.error)}
        </p>
      )}
      {report?.fileIssues.map((f) => (
        <p key={f.problem} className="form-error" role="alert" data-testid="import-file-error">
          {t(`import.problem.${f.problem}`, { detail: f.detail })}
        </p>
      ))}
      {report && report.rows.length > 0 && (
        <>
          <p role="status" data-testid="import-summary">
            {t("import.summary", { valid: num(report.valid), invalid: num(report.invalid) })}{" "}
            {commit.isSuccess ? "" : t("import.nothingYet")}
          </p>
          <ReportTable report={report} />
          {!commit.isSuccess && (
            <button
              type="button"
              className="btn btn-primary"
              disabled={report.valid === 0 || commit.isPending}
              onClick={accept}
              data-testid="import-commit"
            >
              {t("import.commit", { count: num(report.valid) })}
            </button>
          )}
        </>
      )}
      {commit.isError && (
        <p className="form-error" role="alert">
          {errorText(t, commit.error)}
        </p>
      )}
      {commit.isSuccess && (
        <p className="form-ok" role="status" data-testid="import-done">
          {t("import.done", { count: num(commit.data.imported) })}
        </p>
      )}
    </div>
  );
}
