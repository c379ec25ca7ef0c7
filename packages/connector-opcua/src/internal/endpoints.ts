import { WeftError } from "@weft/core";
import { type EndpointDescription, MessageSecurityMode, OPCUAClient, UserTokenType } from "node-opcua";
import type { Identity, Security } from "../config.ts";
import type { ClientPki } from "../pki.ts";
import { toWeftError } from "./errors.ts";

export interface EndpointSummary {
  endpointUrl: string;
  mode: string;
  policy: string;
  userTokens: string[];
}

const TOKEN: Record<Identity["type"], UserTokenType> = {
  anonymous: UserTokenType.Anonymous,
  username: UserTokenType.UserName,
  certificate: UserTokenType.Certificate,
};

export function summarize(e: EndpointDescription): EndpointSummary {
  return {
    endpointUrl: e.endpointUrl ?? "",
    mode: MessageSecurityMode[e.securityMode] ?? String(e.securityMode),
    policy: (e.securityPolicyUri ?? "").split("#").pop() ?? "",
    userTokens: (e.userIdentityTokens ?? []).map((t) => UserTokenType[t.tokenType] ?? String(t.tokenType)),
  };
}

/**
 * Pick the endpoint matching the configured mode, policy and identity, or throw a
 * typed error that lists what the server offers.
 */
export function selectEndpoint(
  endpoints: readonly EndpointDescription[],
  security: Security,
  identity: Identity["type"],
): EndpointDescription {
  const offered = endpoints.map(summarize);
  const i = offered.findIndex((e) => e.mode === security.mode && e.policy === security.policy);
  const list = offered.map((e) => `${e.mode}/${e.policy} [${e.userTokens.join(",")}]`).join("; ");
  const match = endpoints[i];
  if (!match)
    throw new WeftError(
      "CONFIG_INVALID",
      `the server offers no endpoint with security ${security.mode}/${security.policy}; it offers: ${list}`,
      { field: "security.policy", fix: `choose one of: ${list}`, details: { offered } },
    );
  const tokens = match.userIdentityTokens ?? [];
  if (!tokens.some((t) => t.tokenType === TOKEN[identity]))
    throw new WeftError(
      "CONFIG_INVALID",
      `the endpoint ${security.mode}/${security.policy} does not accept ${identity} identities; it accepts: ${offered[i]?.userTokens.join(", ")}`,
      { field: "identity.type", fix: "use an identity the endpoint accepts", details: { offered } },
    );
  return match;
}

/** GetEndpoints over an unsecured discovery channel. */
export async function fetchEndpoints(
  endpointUrl: string,
  timeoutMs: number,
  pki?: ClientPki,
): Promise<EndpointDescription[]> {
  const client = OPCUAClient.create({
    ...(pki
      ? {
          clientCertificateManager: pki.certificateManager,
          certificateFile: pki.certificateFile,
          privateKeyFile: pki.privateKeyFile,
          applicationUri: pki.applicationUri,
        }
      : {}),
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: timeoutMs,
    transportTimeout: timeoutMs,
  });
  try {
    await client.connect(endpointUrl);
    return await client.getEndpoints();
  } catch (e) {
    throw toWeftError(e, "cannot get the endpoints of", endpointUrl);
  } finally {
    await client.disconnect().catch(() => {});
  }
}
