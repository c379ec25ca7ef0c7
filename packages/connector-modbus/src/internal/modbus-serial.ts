import { createRequire } from "node:module";

/**
 * The slice of modbus-serial this package uses, typed here because its bundled typings
 * do not describe the port classes.
 */
type Callback<T> = (err: ModbusSerialError | null, res?: T) => void;
export interface ModbusSerialError {
  name?: string;
  message?: string | null;
  errno?: string;
  modbusCode?: number;
}
export interface RawResult {
  buffer: Buffer;
}
export interface ModbusSerialClient {
  open(cb: (err?: unknown) => void): void;
  destroy(cb: () => void): void;
  close(cb: (err?: unknown) => void): void;
  setTimeout(ms: number): void;
  isOpen: boolean;
  on(event: "close" | "error", listener: (...args: unknown[]) => void): void;
  removeAllListeners(): void;
  writeFC1(unit: number, address: number, count: number, cb: Callback<RawResult>): void;
  writeFC2(unit: number, address: number, count: number, cb: Callback<RawResult>): void;
  writeFC3(unit: number, address: number, count: number, cb: Callback<RawResult>): void;
  writeFC4(unit: number, address: number, count: number, cb: Callback<RawResult>): void;
  writeFC5(unit: number, address: number, state: boolean, cb: Callback<unknown>): void;
  writeFC6(unit: number, address: number, value: number, cb: Callback<unknown>): void;
  writeFC15(unit: number, address: number, states: boolean[], cb: Callback<unknown>): void;
  writeFC16(unit: number, address: number, values: number[], cb: Callback<unknown>): void;
}
export type PortCtor = new (hostOrPath: string, options: Record<string, unknown>) => unknown;

interface ModbusSerialModule {
  new (port: unknown): ModbusSerialClient;
  TcpPort: PortCtor;
  TelnetPort: PortCtor;
  RTUBufferedPort?: PortCtor;
}

const require = createRequire(import.meta.url);
export const ModbusSerial = require("modbus-serial") as ModbusSerialModule;
