import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { makeI18n } from "../i18n/index.tsx";
import { errorKind, errorText } from "./States.tsx";

function serverError(message: string, data: Record<string, unknown>): TRPCClientError<never> {
  return TRPCClientError.from({ error: { message, code: -32600, data } });
}

describe("a server error in the user's language", () => {
  const zh = makeI18n("zh-CN", () => {});
  const en = makeI18n("en", () => {});
  it("is chosen by the error's code, never its English message", () => {
    const taken = serverError("a park with key luqiao already exists", {
      code: "CONFLICT",
      weftCode: "CONFLICT",
      httpStatus: 409,
    });
    expect(errorKind(taken)).toBe("conflict");
    expect(errorText(zh.t, taken)).toBe(zh.t("error.conflict"));
    expect(errorText(zh.t, taken)).not.toMatch(/[A-Za-z]{3,}/);
    expect(errorText(en.t, taken)).toBe(en.t("error.conflict"));
  });
  it("maps each kind of failure to its own message", () => {
    const cases: [Record<string, unknown> | undefined, string][] = [
      [{ code: "NOT_FOUND", httpStatus: 404 }, "notFound"],
      [{ code: "FORBIDDEN", httpStatus: 403 }, "forbidden"],
      [{ code: "UNAUTHORIZED", httpStatus: 401 }, "signedOut"],
      [{ code: "BAD_REQUEST", weftCode: "VALIDATION_FAILED", httpStatus: 400 }, "invalid"],
      [{ code: "TOO_MANY_REQUESTS", weftCode: "RATE_LIMITED", httpStatus: 429 }, "rateLimited"],
      [{ code: "PAYLOAD_TOO_LARGE", httpStatus: 413 }, "tooLarge"],
      [{ code: "SERVICE_UNAVAILABLE", weftCode: "UNAVAILABLE", httpStatus: 503 }, "unavailable"],
      [{ code: "INTERNAL_SERVER_ERROR", httpStatus: 500 }, "server"],
    ];
    for (const [data, kind] of cases)
      expect(errorKind(serverError("English text", data ?? {})), kind).toBe(kind);
    expect(errorKind(new TypeError("Failed to fetch"))).toBe("unavailable");
  });
});
