import { z } from "zod";
import type { DeclarableItem } from "./rules.ts";

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM");

/** The value a person declares for each declarable item. */
export const DECLARATION_VALUES = {
  energy: z.object({ smartMeter: z.boolean() }),
  monthlyReport: z.object({ month: Month }),
  cloud: z.object({ infrastructure: z.boolean(), management: z.boolean(), business: z.boolean() }),
  digitalLevel: z
    .object({
      grade: z.number().int().min(1).max(4).nullable(),
      level: z.number().int().min(1).max(5).nullable(),
    })
    .refine(
      (v) => v.grade !== null || v.level !== null,
      "give a 数字化水平 grade (1-4) or a GB/T 39116 level (1-5)",
    ),
  platformReporting: z.object({ month: Month }),
  infrastructure: z.object({
    network: z.boolean(),
    smartMeters: z.boolean(),
    video: z.boolean(),
    fireSafety: z.boolean(),
  }),
} satisfies Record<DeclarableItem, z.ZodType>;

export type DeclarationValue<I extends DeclarableItem> = z.infer<(typeof DECLARATION_VALUES)[I]>;

/** A declared value with its provenance. */
export interface Declaration {
  value: unknown;
  declaredBy: string | null;
  declaredAt: Date;
  evidenceUrl: string | null;
  note: string | null;
}

/** Parse a stored declaration value for an item; `null` when it no longer matches the item's schema. */
export function parseDeclared<I extends DeclarableItem>(item: I, value: unknown): DeclarationValue<I> | null {
  const r = DECLARATION_VALUES[item].safeParse(value);
  return r.success ? (r.data as DeclarationValue<I>) : null;
}

/** "YYYY-MM" of the month before `now` in a UTC offset (default China Standard Time). */
export function previousMonth(now: Date, offsetMinutes = 480): string {
  const local = new Date(now.getTime() + offsetMinutes * 60_000);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth(); // 0-based current month → previous month 1-based = m
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, "0")}`;
}
