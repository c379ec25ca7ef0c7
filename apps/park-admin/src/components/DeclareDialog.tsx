import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { type RouterInputs, useTRPC } from "../trpc.ts";
import { errorText } from "./States.tsx";

export type DeclarableItem = RouterInputs["coverage"]["declare"]["item"];
export const DECLARABLE: readonly string[] = [
  "energy",
  "monthlyReport",
  "cloud",
  "digitalLevel",
  "platformReporting",
  "infrastructure",
] satisfies DeclarableItem[];

export function isDeclarable(item: string): item is DeclarableItem {
  return DECLARABLE.includes(item);
}

const FLAGS: Partial<Record<DeclarableItem, MessageKey[]>> = {
  energy: ["declare.smartMeter"],
  cloud: ["declare.infrastructure", "declare.management", "declare.business"],
  infrastructure: ["declare.network", "declare.smartMeters", "declare.video", "declare.fireSafety"],
};
const FLAG_FIELD: Record<string, string> = {
  "declare.smartMeter": "smartMeter",
  "declare.infrastructure": "infrastructure",
  "declare.management": "management",
  "declare.business": "business",
  "declare.network": "network",
  "declare.smartMeters": "smartMeters",
  "declare.video": "video",
  "declare.fireSafety": "fireSafety",
};

function lastMonth(): string {
  const d = new Date();
  d.setDate(1);
  d.setMonth(d.getMonth() - 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function Field({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

/** A modal form that declares one checklist item for an enterprise or a park. */
export function DeclareDialog(props: {
  item: DeclarableItem;
  target: { enterpriseId: number } | { parkId: number };
  onClose: () => void;
}) {
  const { t } = useI18n();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ref = useRef<HTMLDialogElement>(null);
  const [flags, setFlags] = useState<Record<string, boolean>>({});
  const [month, setMonth] = useState(lastMonth);
  const [grade, setGrade] = useState("");
  const [level, setLevel] = useState("");
  const [evidenceUrl, setEvidence] = useState("");
  const [note, setNote] = useState("");
  const declare = useMutation(
    trpc.coverage.declare.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.coverage.pathKey() });
        props.onClose();
      },
    }),
  );
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const flagKeys = FLAGS[props.item];
  const value = (): unknown => {
    if (flagKeys) return Object.fromEntries(flagKeys.map((k) => [FLAG_FIELD[k], flags[k] === true]));
    if (props.item === "digitalLevel")
      return { grade: grade ? Number(grade) : null, level: level ? Number(level) : null };
    return { month };
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    declare.mutate({
      ...props.target,
      item: props.item,
      value: value(),
      evidenceUrl: evidenceUrl.trim() || null,
      note: note.trim() || null,
    });
  };
  const title = t("declare.title", { item: t(`item.${props.item}`) });
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-label={title}
      onClose={props.onClose}
      data-testid="declare-dialog"
    >
      <form onSubmit={submit} className="stack">
        <h2>{title}</h2>
        {flagKeys?.map((k) => (
          <label key={k} className="check">
            <input
              type="checkbox"
              name={FLAG_FIELD[k]}
              checked={flags[k] === true}
              onChange={(e) => setFlags({ ...flags, [k]: e.target.checked })}
            />
            <span>{t(k)}</span>
          </label>
        ))}
        {(props.item === "monthlyReport" || props.item === "platformReporting") && (
          <Field id="declare-month" label={t("declare.month")}>
            <input
              id="declare-month"
              type="month"
              required
              value={month}
              onChange={(e) => setMonth(e.target.value)}
            />
          </Field>
        )}
        {props.item === "digitalLevel" && (
          <>
            <Field id="declare-grade" label={t("declare.grade")}>
              <input
                id="declare-grade"
                type="number"
                min={1}
                max={4}
                value={grade}
                onChange={(e) => setGrade(e.target.value)}
              />
            </Field>
            <Field id="declare-level" label={t("declare.level")}>
              <input
                id="declare-level"
                type="number"
                min={1}
                max={5}
                value={level}
                onChange={(e) => setLevel(e.target.value)}
              />
            </Field>
          </>
        )}
        <Field id="declare-evidence" label={t("declare.evidence")}>
          <input
            id="declare-evidence"
            type="url"
            placeholder="https://"
            value={evidenceUrl}
            onChange={(e) => setEvidence(e.target.value)}
          />
        </Field>
        <Field id="declare-note" label={t("declare.note")}>
          <input
            id="declare-note"
            type="text"
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </Field>
        {declare.isError && (
          <p className="form-error" role="alert">
            {errorText(t, declare.error)}
          </p>
        )}
        <div className="row-end">
          <button type="button" className="btn" onClick={() => ref.current?.close()}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="btn btn-primary" disabled={declare.isPending}>
            {t("common.save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
