/**
 * @weft/gateway — the edge runtime: config → connectors → device profiles → durable
 * journal → uplink to the brain, plus the `weft-gateway` CLI.
 * @example
 * import { startGateway } from "@weft/gateway";
 * const gw = await startGateway({ configPath: "gateway.yaml" });
 * process.on("SIGTERM", () => void gw.stop());
 */
export { type ConfigIssue, formatIssue } from "./config/issues.ts";
export {
  deepMerge,
  type LoadedConfig,
  loadConfigFile,
  loadConfigObject,
  type ResolvedDevice,
} from "./config/load.ts";
export {
  BrainConfig,
  BufferConfig,
  DeviceConfig,
  GatewayConfig,
  type GatewayConfigInput,
  HealthConfig,
  UplinkConfig,
} from "./config/schema.ts";
export { parseBytes, parseDuration } from "./config/units.ts";
export { loadAndValidate, type ValidatedConfig, validateConnectors } from "./config/validate.ts";
export {
  ConnectorRegistry,
  createDefaultRegistry,
  type FactoryLoader,
  isConnectorFactory,
} from "./connectors/registry.ts";
export {
  type AppendResult,
  type FsyncPolicy,
  Journal,
  type JournalBatch,
  type JournalEvent,
  type JournalOptions,
  type JournalStats,
  type OverflowPolicy,
} from "./journal/journal.ts";
export { type CompiledProfile, compileProfile } from "./profile/compile.ts";
export { DERIVED_POINT_PREFIX, type ProfileBinding, ProfileEngine } from "./profile/engine.ts";
export { type CompiledExpr, compileExpr, ExprSyntaxError, type ExprValue } from "./profile/expr.ts";
export { BUILTIN_PROFILE_DIR, builtinProfileNames, loadProfile } from "./profile/load.ts";
export { ProfileDefinition, SignalSpec } from "./profile/schema.ts";
export { type RunningGateway, type StartGatewayOptions, startGateway } from "./runtime/gateway.ts";
export { type DeviceStatus, formatMetrics, type GatewayStatus } from "./runtime/status.ts";
export {
  type BrainClient,
  type BrainClientOptions,
  createBrainClient,
  type PushResult,
} from "./uplink/client.ts";
export { Uplink, type UplinkOptions, type UplinkStatus } from "./uplink/uplink.ts";
