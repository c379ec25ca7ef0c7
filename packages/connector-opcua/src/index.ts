import { defineConnector } from "@weft/connector-sdk";
import { OpcuaConfig } from "./config.ts";
import { OpcuaConnector } from "./connector.ts";

/**
 * The `opcua` connector kind. Register it on the gateway's connector host.
 * @example
 * const c = opcuaConnector.create({
 *   endpointUrl: "opc.tcp://localhost:4841",
 *   security: { mode: "SignAndEncrypt", policy: "Aes256_Sha256_RsaPss" },
 *   identity: { type: "username", username: "operator", password: "press" },
 *   points: [{ id: "speed", nodeId: "ns=1;s=Press1.Speed" }],
 * });
 */
export const opcuaConnector = defineConnector({
  kind: "opcua",
  configSchema: OpcuaConfig,
  create: (config) => new OpcuaConnector(config),
});

export {
  EndpointUrl,
  Identity,
  NodeIdString,
  OpcuaConfig,
  type OpcuaConfigInput,
  OpcuaPoint,
  SECURITY_MODES,
  SECURITY_POLICIES,
  type SecurityModeName,
  type SecurityPolicyName,
} from "./config.ts";
export {
  canCallMethod,
  type DataGap,
  type MethodCallableConnector,
  type MethodCallResult,
  OpcuaConnector,
  type OpcuaConnectorStatus,
} from "./connector.ts";
export {
  type ConvertedValue,
  int64ToString,
  toInt64Pair,
  valueToVariant,
  variantToValue,
} from "./datatype.ts";
export { type DiscoveredPoint, type DiscoverOptions, type DiscoveryResult, discover } from "./discover.ts";
export {
  type EndpointSummary,
  selectEndpoint,
  summarize as summarizeEndpoint,
} from "./internal/endpoints.ts";
export { quietNodeOpcuaLogs, routeNodeOpcuaLogs } from "./log-level.ts";
export {
  type CertificateInfo,
  type ClientPki,
  openClientPki,
  type PkiOptions,
  readCertificateInfo,
} from "./pki.ts";
export { type MappedStatus, mapStatus, qualityOf } from "./quality.ts";
export {
  notificationsPerPublish,
  type PlanItem,
  planShards,
  type Shard,
  type ShardLimits,
} from "./subscription.ts";
export { type TrustOptions, trustCertificateFile, trustServerCertificate } from "./trust.ts";
