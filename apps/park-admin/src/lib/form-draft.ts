import { useState } from "react";
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
  const showServerErrors = (err: unknown) => setErrors(serverFieldErrors(err));
  const reset = (next: D) => {
    setD(next);
    setErrors({});
  };
  return { d, setD, errors, setErrors, patch, showServerErrors, reset };
}
