export { registerRobotCommand } from "./cli.ts";
export { crc16 } from "./crc16.ts";
export { EXTRA_FLOAT32_BASE, ROBOT_MAP } from "./map.ts";
export {
  type Framing,
  type ModbusServer,
  type ModbusServerOptions,
  startModbusServer,
} from "./modbus-server.ts";
export {
  ROBOT_ERRORS,
  ROBOT_MODES,
  ROBOT_STATES,
  type RobotMode,
  RobotModel,
  type RobotModelOptions,
  type RobotSnapshot,
  type RobotState,
} from "./model.ts";
export { handlePdu, type PduLimits, PROTOCOL_LIMITS } from "./pdu.ts";
export { type Area, RegisterBank } from "./register-bank.ts";
export {
  loadRobotDeviceFile,
  ROBOT_DEVICE_FILE,
  type RobotCell,
  type RobotCellOptions,
  startRobotCell,
} from "./robot-cell.ts";
