export {
  PressModel,
  type PressServer,
  type PressServerOptions,
  type PressSnapshot,
  registerPressCommand,
  startPressServer,
} from "./press/index.ts";
export { registerRobotCommand } from "./robot/cli.ts";
export {
  EXTRA_FLOAT32_BASE,
  type Framing,
  handlePdu,
  loadRobotDeviceFile,
  type ModbusServer,
  type ModbusServerOptions,
  RegisterBank,
  ROBOT_DEVICE_FILE,
  ROBOT_ERRORS,
  ROBOT_MAP,
  ROBOT_MODES,
  ROBOT_STATES,
  type RobotCell,
  type RobotCellOptions,
  RobotModel,
  type RobotSnapshot,
  startModbusServer,
  startRobotCell,
} from "./robot/index.ts";
