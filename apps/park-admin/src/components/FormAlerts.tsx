import { useI18n } from "../i18n/index.tsx";
import { hasErrors, serverFieldErrors } from "../lib/form-errors.ts";
import { errorText } from "./States.tsx";

type CallError = { message: string } | null | undefined;

/** A failed call's message as an alert; nothing when there is no error. */
export function ErrorAlert({ error, wide }: { error: CallError; wide?: boolean }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className={wide ? "form-error form-wide" : "form-error"} role="alert">
      {errorText(t, error)}
    </p>
  );
}

/** A form's server error that names no field (the others are shown next to their fields). */
export function UnplacedServerError({ error, wide }: { error: CallError; wide?: boolean }) {
  if (!error || hasErrors(serverFieldErrors(error))) return null;
  return <ErrorAlert error={error} wide={wide} />;
}

/** The outcome of the last action ("Saved", "Created …"), read out politely. */
export function StatusNotice({ message, testId }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <p className="form-ok" role="status" data-testid={testId}>
      {message}
    </p>
  );
}
