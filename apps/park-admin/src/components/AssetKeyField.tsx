import { type MessageKey, useI18n } from "../i18n/index.tsx";
import { KEY_PATTERN } from "../lib/form-errors.ts";
import { TextField } from "./FormField.tsx";

/** What is wrong with an asset key (park, enterprise, city) as typed; undefined when it is fine. */
export function assetKeyError(value: string, t: (k: MessageKey) => string): string | undefined {
  const key = value.trim();
  if (KEY_PATTERN.test(key)) return undefined;
  return key ? t("validation.key") : t("validation.required");
}

/** A new park's or enterprise's key (`name="key"`), with the hint that it cannot change later. */
export function AssetKeyField({
  id,
  label,
  error,
  value,
  onValue,
}: {
  id: string;
  label: string;
  error: string | undefined;
  value: string;
  onValue: (value: string) => void;
}) {
  const { t } = useI18n();
  return (
    <TextField
      id={id}
      label={label}
      error={error}
      hint={t("parks.keyHint")}
      name="key"
      required
      value={value}
      onValue={onValue}
    />
  );
}
