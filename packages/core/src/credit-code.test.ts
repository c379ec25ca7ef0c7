import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CREDIT_CODE_ALPHABET,
  creditCodeCheckChar,
  creditCodeProblem,
  isValidCreditCode,
} from "./credit-code.ts";
import { CreditCode } from "./credit-code-schema.ts";

const alphabetChar = fc.constantFrom(...CREDIT_CODE_ALPHABET.split(""));
const digit = fc.constantFrom(..."0123456789".split(""));
/** A syntactically valid first 17 characters, built by code. */
const first17 = fc
  .tuple(
    fc.array(alphabetChar, { minLength: 2, maxLength: 2 }),
    fc.array(digit, { minLength: 6, maxLength: 6 }),
    fc.array(alphabetChar, { minLength: 9, maxLength: 9 }),
  )
  .map(([a, b, c]) => [...a, ...b, ...c].join(""));

describe("GB 32100-2015 credit code", () => {
  it("accepts published example codes", () => {
    expect(isValidCreditCode("91350100M000100Y43")).toBe(true);
    expect(isValidCreditCode("91110000600037341L")).toBe(true);
  });

  it("accepts lower case and surrounding spaces after normalising", () => {
    expect(CreditCode.parse(" 91350100m000100y43 ")).toBe("91350100M000100Y43");
  });

  it("names the problem", () => {
    expect(creditCodeProblem("9135")).toBe("length");
    expect(creditCodeProblem("91350100M000100YI3")).toBe("characters");
    expect(creditCodeProblem("91350100M000100Y44")).toBe("check-digit");
  });

  it("every code completed with its check character is valid", () => {
    fc.assert(
      fc.property(first17, (f) => {
        const check = creditCodeCheckChar(f);
        expect(check).not.toBeNull();
        expect(isValidCreditCode(f + check)).toBe(true);
      }),
    );
  });

  it("any other check character is rejected", () => {
    fc.assert(
      fc.property(first17, alphabetChar, (f, other) => {
        fc.pre(other !== creditCodeCheckChar(f));
        expect(creditCodeProblem(f + other)).toBe("check-digit");
      }),
    );
  });

  it("a single changed character is always detected", () => {
    fc.assert(
      fc.property(first17, fc.nat(16), alphabetChar, (f, pos, ch) => {
        const code = f + creditCodeCheckChar(f);
        fc.pre(code.charAt(pos) !== ch && !(pos >= 2 && pos < 8 && !/\d/.test(ch)));
        const mutated = code.slice(0, pos) + ch + code.slice(pos + 1);
        expect(isValidCreditCode(mutated)).toBe(false);
      }),
    );
  });
});
