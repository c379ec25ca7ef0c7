import type { FormEvent, ReactNode, Ref } from "react";
import { useI18n } from "../i18n/index.tsx";
import { UnplacedServerError } from "./FormAlerts.tsx";
import { ModalDialog } from "./ModalDialog.tsx";

interface ServerForm {
  onSubmit: (e: FormEvent) => void;
  /** The last call's error: shown here unless it names a field. */
  error: { message: string } | null;
  /** A call is under way: the submit button is disabled. */
  pending: boolean;
  children: ReactNode;
}

function FormActions({
  submitLabel,
  pending,
  onCancel,
  wide,
}: {
  submitLabel: string;
  pending: boolean;
  onCancel?: () => void;
  wide?: boolean;
}) {
  const { t } = useI18n();
  return (
    <div className={wide ? "form-wide row-end" : "row-end"}>
      {onCancel && (
        <button type="button" className="btn" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      )}
      <button type="submit" className="btn btn-primary" disabled={pending}>
        {submitLabel}
      </button>
    </div>
  );
}

/**
 * A "New …" card above an admin list: a titled form (named by its heading) whose Create button
 * sends it. `id` prefixes the title's id (`${id}-title`) as it does the fields'.
 */
export function CreateFormCard({
  id,
  title,
  testId,
  formRef,
  announceInvalid,
  onSubmit,
  error,
  pending,
  children,
}: ServerForm & {
  id: string;
  title: string;
  testId: string;
  formRef?: Ref<HTMLFormElement>;
  /** Also tell screen readers to fix the fields (when some field has an error). */
  announceInvalid?: boolean;
}) {
  const { t } = useI18n();
  const titleId = `${id}-title`;
  return (
    <section className="panel form-card" aria-labelledby={titleId} data-testid={testId}>
      <h2 id={titleId}>{title}</h2>
      <form ref={formRef} className="form-grid" onSubmit={onSubmit} noValidate aria-labelledby={titleId}>
        {children}
        <UnplacedServerError error={error} wide />
        {announceInvalid && (
          <p className="sr-only" role="alert">
            {t("common.fixErrors")}
          </p>
        )}
        <FormActions submitLabel={t("common.create")} pending={pending} wide />
      </form>
    </section>
  );
}

/** A modal dialog holding an edit form, with Cancel (closes) and Save (sends). */
export function EditFormDialog({
  title,
  testId,
  onClose,
  onSubmit,
  error,
  pending,
  children,
}: ServerForm & { title: string; testId: string; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <ModalDialog title={title} onClose={onClose} testId={testId}>
      <form className="form-grid" onSubmit={onSubmit} noValidate>
        {children}
        <UnplacedServerError error={error} />
        <FormActions submitLabel={t("common.save")} pending={pending} onCancel={onClose} />
      </form>
    </ModalDialog>
  );
}
