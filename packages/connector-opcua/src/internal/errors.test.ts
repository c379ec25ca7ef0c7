import { isWeftError, WeftError } from "@weft/core";
import { describe, expect, it } from "vitest";
import { statusOfError, toWeftError } from "./errors.ts";

describe("node-opcua failures → typed errors", () => {
  it.each([
    ["BadCertificateUntrusted (0x801a0000)", "SECURITY_REJECTED", "BadCertificateUntrusted"],
    ["CreateSession: BadIdentityTokenRejected", "UNAUTHORIZED", "BadUserAccessDenied"],
    ["ServiceFault BadTooManySessions", "RATE_LIMITED", "BadTooManySessions"],
    ["connect ECONNREFUSED 127.0.0.1:4841", "DEVICE_UNREACHABLE", "BadCommunicationError"],
    ["BadSomethingNew happened", "PROTOCOL_ERROR", "BadSomethingNew"],
  ])("%s → %s", (message, code, status) => {
    const err = toWeftError(new Error(message), "cannot connect to", "opc.tcp://x:1");
    expect(isWeftError(err)).toBe(true);
    expect(err.code).toBe(code);
    expect(err.message).toContain("opc.tcp://x:1");
    expect(err.fix).toBeTruthy();
    expect(statusOfError(err)).toBe(status);
  });

  it("passes WeftErrors through", () => {
    const e = new WeftError("CONFIG_INVALID", "x", { field: "security.policy" });
    expect(toWeftError(e, "a", "b")).toBe(e);
  });
});
