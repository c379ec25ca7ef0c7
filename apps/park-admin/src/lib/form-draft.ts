import { useState } from "react";
import { errorKind } from "../components/States.tsx";
import { useI18n } from "../i18n/index.tsx";
import { type FieldErrors, serverFieldErrors } from "./form-errors.ts";

/**
 * A form's draft values and its per-field errors. `patch` changes some fields and drops their
 * errors; `showServerErrors` (a mutation's `onError`) puts the server's errors on their fields;
 * `reset` starts over from new values with no errors (after a create).
 */
export function useFormDraft<D extends object>(initial: D) {
  const [d, setD] = useState<D>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const patch = (p: Partial<D>) => {
    setD((x) => ({ ...x, ...p }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(p)) next[k] = undefined;
      return next;
    });
  };
  const { t } = useI18n();
  // The server's field messages are English for developers: the field gets a dictionary message
  // chosen by the error's code (taken, unknown, invalid), in the user's language.
  const showServerErrors = (err: unknown) => {
    const kind = errorKind(err);
    const text = t(
      kind === "conflict"
        ? "error.field.conflict"
        : kind === "notFound"
          ? "error.field.notFound"
          : "error.field.invalid",
    );
    const fields = serverFieldErrors(err);
    setErrors(Object.fromEntries(Object.keys(fields).map((k) => [k, text])));
  };
  const reset = (next: D) => {
    setD(next);
    setErrors({});
  };
  return { d, setD, errors, setErrors, patch, showServerErrors, reset };
}
