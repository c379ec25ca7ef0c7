import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { EMAIL_PATTERN, hasErrors, KEY_PATTERN, serverFieldErrors } from "./form-errors.ts";

function clientError(data: unknown): TRPCClientError<never> {
  return TRPCClientError.from({ error: { message: "bad", code: -32600, data } });
}

describe("serverFieldErrors", () => {
  it("keys the brain's field errors by top-level input field, first message wins", () => {
    const err = clientError({
      code: "BAD_REQUEST",
      fields: [
        { field: "parkKeys[0]", message: "unknown park" },
        { field: "parkKeys[1]", message: "second" },
        { field: "email", message: "taken" },
        { field: "meta.note", message: "too long" },
      ],
    });
    expect(serverFieldErrors(err)).toEqual({ parkKeys: "unknown park", email: "taken", meta: "too long" });
  });
  it("gives nothing for errors without fields, malformed fields or non-tRPC errors", () => {
    expect(serverFieldErrors(clientError({ code: "FORBIDDEN", fields: null }))).toEqual({});
    expect(serverFieldErrors(clientError({ fields: [{ field: 1 }, null, "x"] }))).toEqual({});
    expect(serverFieldErrors(new Error("x"))).toEqual({});
  });
  it("hasErrors ignores cleared entries", () => {
    expect(hasErrors({ a: undefined })).toBe(false);
    expect(hasErrors({ a: undefined, b: "x" })).toBe(true);
  });
  it("accepts the brain's asset keys and plausible e-mails only", () => {
    expect(KEY_PATTERN.test("luqiao-print-park")).toBe(true);
    expect(KEY_PATTERN.test("Bad Key")).toBe(false);
    expect(KEY_PATTERN.test("-x")).toBe(false);
    expect(EMAIL_PATTERN.test("a@b.cn")).toBe(true);
    expect(EMAIL_PATTERN.test("a@b")).toBe(false);
  });
});
