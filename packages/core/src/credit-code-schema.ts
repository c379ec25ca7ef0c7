import { z } from "zod";
import { creditCodeProblem } from "./credit-code.ts";

const MESSAGES = {
  length: "统一社会信用代码 must be 18 characters",
  characters:
    "统一社会信用代码 uses digits and capital letters except I, O, Z, S, V; characters 3-8 are digits",
  "check-digit": "统一社会信用代码 check character does not match (GB 32100-2015): re-check the code",
} as const;

/** A 统一社会信用代码, normalised to upper case and validated by its GB 32100-2015 check character. */
export const CreditCode = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((code, ctx) => {
    const problem = creditCodeProblem(code);
    if (problem) ctx.addIssue({ code: "custom", message: MESSAGES[problem] });
  });
export type CreditCode = z.infer<typeof CreditCode>;
