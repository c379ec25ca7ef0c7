export { registerPressCommand } from "./cli.ts";
export { pressDeviceFile, pressDeviceFilePath, pressDeviceFileYaml } from "./device-file.ts";
export {
  DEFAULT_TUNING,
  DEVICE_STATUSES,
  type DeviceStatus,
  type MachineryItemState,
  type MachineryOperationMode,
  PressModel,
  type PressSnapshot,
  type PressTuning,
  type StatusDetails,
} from "./model.ts";
export {
  counterNodeId,
  PRESS_NAMESPACE_URI,
  PRESS_VARIABLES,
  type PressVariable,
  pressName,
  pressNodeId,
} from "./nodes.ts";
export { deriveSeed, Prng } from "./prng.ts";
export {
  type PressServer,
  type PressServerOptions,
  type PressUser,
  SECURITY_MODES,
  SECURITY_POLICIES,
  type SecurityModeName,
  type SecurityPolicyName,
  startPressServer,
} from "./server.ts";
