/**
 * 统一社会信用代码 (unified social credit code), GB 32100-2015.
 * 18 characters: registration authority (1), entity type (1), administrative
 * division (6, digits), organisation code (9), check character (1).
 * The alphabet excludes I, O, Z, S and V.
 */
export const CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

/** The check character for the first 17 characters, or `null` if they use a letter outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_CODE_ALPHABET.indexOf(first17.charAt(i));
    if (v < 0) return null;
    sum += v * (WEIGHTS[i] ?? 0);
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET.charAt(check);
}

export type CreditCodeProblem = "length" | "characters" | "check-digit";

/** Why a credit code is invalid, or `null` when it is valid. Input is upper-cased and trimmed first. */
export function creditCodeProblem(code: string): CreditCodeProblem | null {
  const c = code.trim().toUpperCase();
  if (c.length !== 18) return "length";
  if (!SHAPE.test(c)) return "characters";
  return creditCodeCheckChar(c.slice(0, 17)) === c.charAt(17) ? null : "check-digit";
}

/** @example isValidCreditCode("91350100M000100Y43") // true */
export function isValidCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}
