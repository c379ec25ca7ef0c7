import { type MessageKey, useI18n } from "../i18n/index.tsx";
import type { FieldErrors } from "../lib/form-errors.ts";
import { TextField } from "./FormField.tsx";

interface Names {
  name: string;
  nameEn: string;
}

const LABELS = {
  park: { name: "parks.nameZh", nameEn: "parks.nameEn" },
  enterprise: { name: "enterprise.name", nameEn: "enterprise.nameEn" },
} as const satisfies Record<string, Record<keyof Names, MessageKey>>;

/** The Chinese name (required) and the optional English name of a park or an enterprise. */
export function BilingualNameFields({
  id,
  of,
  value,
  errors,
  onChange,
}: {
  id: string;
  of: keyof typeof LABELS;
  value: Names;
  errors: FieldErrors;
  onChange: (patch: Partial<Names>) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <TextField
        id={`${id}-name`}
        label={t(LABELS[of].name)}
        error={errors.name}
        name="name"
        required
        value={value.name}
        onValue={(name) => onChange({ name })}
      />
      <TextField
        id={`${id}-nameEn`}
        label={`${t(LABELS[of].nameEn)} ${t("common.optional")}`}
        error={errors.nameEn}
        name="nameEn"
        value={value.nameEn}
        onValue={(nameEn) => onChange({ nameEn })}
      />
    </>
  );
}
