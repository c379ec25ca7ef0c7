import { isWeftError } from "@weft/core";
import { EndpointDescription, MessageSecurityMode, SecurityPolicy, UserTokenType } from "node-opcua";
import { describe, expect, it } from "vitest";
import { selectEndpoint } from "./endpoints.ts";

const ep = (mode: MessageSecurityMode, policy: SecurityPolicy, tokens: UserTokenType[]) =>
  new EndpointDescription({
    endpointUrl: "opc.tcp://h:1",
    securityMode: mode,
    securityPolicyUri: policy,
    userIdentityTokens: tokens.map((tokenType, i) => ({ policyId: `p${i}`, tokenType })),
  });

const offered = [
  ep(MessageSecurityMode.None, SecurityPolicy.None, [UserTokenType.Anonymous]),
  ep(MessageSecurityMode.SignAndEncrypt, SecurityPolicy.Basic256Sha256, [
    UserTokenType.Anonymous,
    UserTokenType.UserName,
  ]),
];

describe("endpoint selection", () => {
  it("picks the endpoint with the configured mode and policy", () => {
    const e = selectEndpoint(offered, { mode: "SignAndEncrypt", policy: "Basic256Sha256" }, "username");
    expect(e.securityMode).toBe(MessageSecurityMode.SignAndEncrypt);
  });

  it("lists what the server offers when nothing matches", () => {
    let err: unknown;
    try {
      selectEndpoint(offered, { mode: "Sign", policy: "Aes256_Sha256_RsaPss" }, "anonymous");
    } catch (e) {
      err = e;
    }
    expect(isWeftError(err, "CONFIG_INVALID") && err.field).toBe("security.policy");
    expect(String((err as Error).message)).toContain(
      "None/None [Anonymous]; SignAndEncrypt/Basic256Sha256 [Anonymous,UserName]",
    );
  });

  it("refuses an identity the endpoint does not accept", () => {
    expect(() => selectEndpoint(offered, { mode: "None", policy: "None" }, "username")).toThrow(
      /does not accept username/,
    );
  });
});
