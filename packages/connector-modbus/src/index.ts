export { type Block, type CoalesceLimits, coalesceRegisters, type Span, splitBlock } from "./coalesce.ts";
export {
  MAX_BITS,
  MAX_REGISTERS,
  ModbusConfig,
  type ModbusConfigInput,
  ModbusConnection,
  ModbusLimits,
  ModbusPoint,
} from "./config.ts";
export { ModbusConnector } from "./connector.ts";
export { loadPointsCsv, parsePointsCsv } from "./csv.ts";
export {
  decodeBit,
  decodePackedBit,
  decodePoint,
  decodeRegisters,
  decodeString,
  type RawValue,
} from "./decode.ts";
export { encodeRegisters } from "./encode.ts";
export { createModbusFactory, type ModbusConnectorFactory, modbus } from "./factory.ts";
export {
  formatProbe,
  type ProbeOptions,
  type ProbePair,
  type ProbeQuad,
  type ProbeRegister,
  type ProbeResult,
  probe,
} from "./probe.ts";
export {
  AREAS,
  type Area,
  type ByteOrder,
  DATA_TYPES,
  type DataType,
  EXCEPTION_NAMES,
  ORDERS,
  type Order,
  orderOf,
  registerCount,
  type WordOrder,
} from "./types.ts";
