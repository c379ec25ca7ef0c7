import { cloneElement, type InputHTMLAttributes, type ReactElement } from "react";

/**
 * A labelled form control with its error underneath. The control gets `id`, `aria-invalid` and
 * `aria-describedby` so a screen reader reads the error with the field.
 */
export function FormField({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  children: ReactElement<Record<string, unknown>>;
}) {
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, error ? errId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy,
      })}
      {hint && (
        <small id={hintId} className="muted">
          {hint}
        </small>
      )}
      {error && (
        <small id={errId} className="field-error" data-field-error={id}>
          {error}
        </small>
      )}
    </div>
  );
}

/**
 * A labelled `<input>` (text unless `type` says otherwise) in a FormField; `onValue` gets the new
 * value. Other input attributes (`name`, `required`, …) pass through.
 */
export function TextField({
  id,
  label,
  error,
  hint,
  value,
  onValue,
  ...input
}: Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "value" | "onChange"> & {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  value: string;
  onValue: (value: string) => void;
}) {
  return (
    <FormField id={id} label={label} error={error} hint={hint}>
      <input type="text" {...input} value={value} onChange={(e) => onValue(e.target.value)} />
    </FormField>
  );
}

/** A group of controls (checkboxes) with a legend and an error. */
export function FieldGroup({
  id,
  legend,
  error,
  children,
}: {
  id: string;
  legend: string;
  error?: string | undefined;
  children: React.ReactNode;
}) {
  const errId = `${id}-error`;
  return (
    <fieldset
      id={id}
      className="field field-group"
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? errId : undefined}
    >
      <legend>{legend}</legend>
      <div className="check-list">{children}</div>
      {error && (
        <small id={errId} className="field-error" data-field-error={id}>
          {error}
        </small>
      )}
    </fieldset>
  );
}
