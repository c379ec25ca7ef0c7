import { type MessageKey, useI18n } from "../i18n/index.tsx";
import type { FieldErrors } from "../lib/form-errors.ts";
import { BilingualNameFields } from "./BilingualNameFields.tsx";
import { TextField } from "./FormField.tsx";

/** A GB/T 4754 code's shape (section letter and 2–4 digits); the server knows the real list. */
export const INDUSTRY_CODE_SHAPE = /^[A-Za-z]\d{2,4}$/;

/** What both the create form and the edit dialog of an enterprise ask for. */
export interface EnterpriseDetails {
  name: string;
  nameEn: string;
  industryCode: string;
  aboveScale: boolean;
  declaredMachines: string;
}

export function validateEnterpriseDetails(d: EnterpriseDetails, t: (k: MessageKey) => string): FieldErrors {
  const e: FieldErrors = {};
  if (!d.name.trim()) e.name = t("validation.required");
  if (!d.industryCode.trim()) e.industryCode = t("validation.required");
  else if (!INDUSTRY_CODE_SHAPE.test(d.industryCode.trim())) e.industryCode = t("validation.industryCode");
  if (!/^\d{1,6}$/.test(d.declaredMachines.trim())) e.declaredMachines = t("validation.wholeNumber");
  return e;
}

/** The fields of EnterpriseDetails; `set` changes some of them. */
export function EnterpriseDetailFields({
  id,
  d,
  errors,
  set,
}: {
  id: string;
  d: EnterpriseDetails;
  errors: FieldErrors;
  set: (patch: Partial<EnterpriseDetails>) => void;
}) {
  const { t } = useI18n();
  return (
    <>
      <BilingualNameFields id={id} of="enterprise" value={d} errors={errors} onChange={set} />
      <TextField
        id={`${id}-industry`}
        label={t("enterprise.industryCode")}
        error={errors.industryCode}
        name="industryCode"
        required
        value={d.industryCode}
        onValue={(industryCode) => set({ industryCode })}
      />
      <TextField
        id={`${id}-machines`}
        label={t("enterprise.declaredMachines")}
        error={errors.declaredMachines}
        type="number"
        name="declaredMachines"
        min={0}
        step={1}
        inputMode="numeric"
        value={d.declaredMachines}
        onValue={(declaredMachines) => set({ declaredMachines })}
      />
      <div className="field">
        <label className="check">
          <input
            type="checkbox"
            name="aboveScale"
            checked={d.aboveScale}
            onChange={(e) => set({ aboveScale: e.target.checked })}
          />
          {t("enterprise.aboveScale")}
        </label>
        {errors.aboveScale && <small className="field-error">{errors.aboveScale}</small>}
      </div>
    </>
  );
}
