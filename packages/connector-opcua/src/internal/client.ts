import { readFile } from "node:fs/promises";
import { WeftError } from "@weft/core";
import {
  type ClientSession,
  crypto_utils,
  MessageSecurityMode,
  OPCUAClient,
  SecurityPolicy,
  type UserIdentityInfo,
  UserTokenType,
} from "node-opcua";
import type { Identity, OpcuaConfig } from "../config.ts";
import type { ClientPki } from "../pki.ts";
import { toWeftError } from "./errors.ts";

/** A node-opcua client configured from our config; node-opcua repairs broken channels itself. */
export function createClient(config: OpcuaConfig, pki: ClientPki): OPCUAClient {
  return OPCUAClient.create({
    applicationName: "Weft Gateway",
    applicationUri: pki.applicationUri,
    clientCertificateManager: pki.certificateManager,
    certificateFile: pki.certificateFile,
    privateKeyFile: pki.privateKeyFile,
    securityMode: MessageSecurityMode[config.security.mode],
    securityPolicy: SecurityPolicy[config.security.policy],
    endpointMustExist: false,
    keepSessionAlive: true,
    requestedSessionTimeout: Math.max(60_000, config.heartbeatIntervalMs * 10),
    transportTimeout: config.requestTimeoutMs,
    defaultTransactionTimeout: config.requestTimeoutMs,
    // the first connect is tried once (our own loop backs off); a channel lost later is
    // re-established by node-opcua with these delays, keeping session and subscriptions
    connectionStrategy: {
      maxRetry: 1,
      initialDelay: config.reconnect.initialDelayMs,
      maxDelay: config.reconnect.maxDelayMs,
      randomisationFactor: 0.2,
    },
  });
}

export async function userIdentity(identity: Identity): Promise<UserIdentityInfo> {
  switch (identity.type) {
    case "anonymous":
      return { type: UserTokenType.Anonymous };
    case "username":
      return { type: UserTokenType.UserName, userName: identity.username, password: identity.password };
    case "certificate": {
      let certPem: string;
      let keyPem: string;
      try {
        certPem = await readFile(identity.certificateFile, "utf8");
        keyPem = await readFile(identity.privateKeyFile, "utf8");
      } catch (cause) {
        throw new WeftError(
          "CONFIG_INVALID",
          `cannot read the X.509 user certificate or key: ${String(cause)}`,
          {
            field: "identity.certificateFile",
            fix: "point identity.certificateFile and identity.privateKeyFile at readable PEM files",
            cause,
          },
        );
      }
      const certificateData = certPem.includes("-----BEGIN")
        ? crypto_utils.convertPEMtoDER(certPem)
        : Buffer.from(certPem, "binary");
      return {
        type: UserTokenType.Certificate,
        certificateData,
        privateKey: keyPem,
      };
    }
  }
}

/** Connect the channel and create + activate a session; typed errors with a fix. */
export async function connectSession(client: OPCUAClient, config: OpcuaConfig): Promise<ClientSession> {
  try {
    await client.connect(config.endpointUrl);
  } catch (e) {
    throw toWeftError(e, "cannot connect to", config.endpointUrl);
  }
  try {
    return await client.createSession(await userIdentity(config.identity));
  } catch (e) {
    throw toWeftError(e, "the server refused the session on", config.endpointUrl);
  }
}
