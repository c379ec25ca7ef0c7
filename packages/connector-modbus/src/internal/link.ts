import { WeftError } from "@weft/core";
import type { ModbusConnection } from "../config.ts";
import { EXCEPTION_NAMES } from "../types.ts";
import { MbapClient } from "./mbap-client.ts";
import {
  ModbusSerial,
  type ModbusSerialClient,
  type ModbusSerialError,
  type RawResult,
} from "./modbus-serial.ts";

export type ReadFc = 1 | 2 | 3 | 4;

export interface LinkOptions {
  timeoutMs: number;
  /** Requests in flight at once; forced to 1 for RTU framings. */
  maxInFlight: number;
  /**
   * The Modbus TCP client (default {@link MbapClient}). The modbus bench passes modbus-serial's own
   * TCP client here to measure it against ours on the same plan and queue.
   */
  tcpClient?: TcpClientFactory;
}

export type TcpClientFactory = (host: string, port: number) => ModbusSerialClient;

interface Task {
  run(client: ModbusSerialClient, done: (err: ModbusSerialError | null, res?: unknown) => void): void;
  resolve(value: unknown): void;
  reject(err: WeftError): void;
}

/** Human label of a connection, used in messages and as the shared-bus key. */
export function connectionLabel(c: ModbusConnection): string {
  return c.transport === "rtu" ? `rtu:${c.path}` : `${c.transport}://${c.host}:${c.port}`;
}

/**
 * One physical link: a Modbus TCP socket ({@link MbapClient}), or a serial port or RTU-over-TCP
 * socket through modbus-serial,
 * with a request queue: up to `maxInFlight` requests on TCP, strictly one at a time on RTU
 * so several devices on one bus are serialized. Every failure becomes a typed WeftError:
 * `DEVICE_EXCEPTION` (details.exceptionCode), `DEVICE_UNREACHABLE` (timeout, closed) or
 * `PROTOCOL_ERROR` (CRC, length, bad frame).
 */
export class ModbusLink {
  readonly label: string;
  readonly isRtu: boolean;
  private client: ModbusSerialClient | undefined;
  /** Incremented on every successful open; lets users of a shared link count reconnects once. */
  epoch = 0;
  /** When any unit last answered on this link (data or an exception), epoch ms. */
  lastAnswerAt = 0;
  private opening: Promise<void> | undefined;
  /** Resolves when the last dropped port has really been released (a serial port closes asynchronously). */
  private closing: Promise<void> = Promise.resolve();
  private readonly queue: Task[] = [];
  private readonly active = new Set<Task>();
  private readonly maxInFlight: number;
  private readonly closeListeners = new Set<(reason: string) => void>();

  constructor(
    private readonly connection: ModbusConnection,
    private readonly options: LinkOptions,
  ) {
    this.label = connectionLabel(connection);
    this.isRtu = connection.transport !== "tcp";
    this.maxInFlight = this.isRtu ? 1 : options.maxInFlight;
  }

  get isOpen(): boolean {
    return this.client?.isOpen === true;
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Open the link if it is not open; concurrent callers share one attempt. */
  open(): Promise<void> {
    if (this.isOpen) return Promise.resolve();
    this.opening ??= this.doOpen().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async doOpen(): Promise<void> {
    await this.closing;
    const c = this.connection;
    const client: ModbusSerialClient =
      c.transport === "tcp"
        ? (this.options.tcpClient ?? mbap)(c.host, c.port)
        : new ModbusSerial(this.createRtuPort());
    client.on("error", () => this.drop("port error"));
    client.setTimeout(this.options.timeoutMs);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          client.destroy(() => {});
          reject(unreachable(`${this.label}: connect timed out after ${this.options.timeoutMs} ms`));
        },
        Math.max(this.options.timeoutMs, 1000),
      );
      client.open((err) => {
        clearTimeout(timer);
        if (err) {
          client.destroy(() => {});
          reject(unreachable(`${this.label}: ${errorText(err)}`, err));
        } else resolve();
      });
    });
    client.on("close", () => this.drop("connection closed"));
    this.client = client;
    this.epoch++;
  }

  private createRtuPort(): unknown {
    const c = this.connection;
    if (c.transport === "tcp") throw new Error("unreachable: TCP uses MbapClient");
    if (c.transport === "rtu-over-tcp") return new ModbusSerial.TelnetPort(c.host, { port: c.port });
    const Port = ModbusSerial.RTUBufferedPort;
    if (!Port) {
      throw new WeftError("UNSUPPORTED", "serial RTU needs the optional serialport package", {
        fix: "install serialport (with its native bindings) next to modbus-serial",
      });
    }
    return new Port(c.path, {
      baudRate: c.baudRate,
      parity: c.parity,
      dataBits: c.dataBits,
      stopBits: c.stopBits,
    });
  }

  /** Close the link and fail every queued and in-flight request. Idempotent. */
  async close(): Promise<void> {
    this.drop("closed by the connector");
    await this.opening?.catch(() => {});
    this.drop("closed by the connector");
    await this.closing;
  }

  /** Drop the connection (e.g. after a framing error or repeated timeouts); the next request reopens. */
  drop(reason: string): void {
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      client.on("error", () => {});
      this.closing = this.release(client);
    }
    const err = unreachable(`${this.label}: ${reason}`);
    for (const t of [...this.active, ...this.queue.splice(0)]) t.reject(err);
    this.active.clear();
    if (client) for (const l of this.closeListeners) l(reason);
  }

  /** Serial ports must be closed (and awaited) to free the device lock; sockets are destroyed at once. */
  private release(client: ModbusSerialClient): Promise<void> {
    if (this.connection.transport !== "rtu") {
      client.destroy(() => {});
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      try {
        client.close(() => {
          clearTimeout(timer);
          resolve();
        });
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Read `count` registers or bits; resolves with the raw data bytes of the response. */
  read(unit: number, fc: ReadFc, address: number, count: number): Promise<Buffer> {
    return this.enqueue<Buffer>((c, done) => {
      const cb = (err: ModbusSerialError | null, res?: RawResult) => done(err, res?.buffer);
      if (fc === 1) c.writeFC1(unit, address, count, cb);
      else if (fc === 2) c.writeFC2(unit, address, count, cb);
      else if (fc === 3) c.writeFC3(unit, address, count, cb);
      else c.writeFC4(unit, address, count, cb);
    });
  }

  writeCoil(unit: number, address: number, value: boolean): Promise<void> {
    return this.enqueue<void>((c, done) => c.writeFC5(unit, address, value, done));
  }

  writeRegisters(unit: number, address: number, values: number[]): Promise<void> {
    return this.enqueue<void>((c, done) =>
      values.length === 1 && values[0] !== undefined
        ? c.writeFC6(unit, address, values[0], done)
        : c.writeFC16(unit, address, values, done),
    );
  }

  private enqueue<T>(run: Task["run"]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (v: unknown) => void, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.active.size < this.maxInFlight && this.queue.length > 0) {
      const task = this.queue.shift();
      if (!task) return;
      const client = this.client;
      if (!client?.isOpen) {
        task.reject(unreachable(`${this.label}: not connected`));
        continue;
      }
      this.active.add(task);
      let settled = false;
      const done = (err: ModbusSerialError | null, res?: unknown) => {
        if (settled || !this.active.has(task)) return;
        settled = true;
        this.active.delete(task);
        if (!err || typeof err.modbusCode === "number") this.lastAnswerAt = Date.now();
        if (err) task.reject(toWeftError(this.label, err));
        else task.resolve(res);
        // RTU ports reset their frame state after emitting a response, so the next request
        // must not be written from inside that callback (and a bus wants a gap between frames).
        if (this.isRtu) setImmediate(() => this.pump());
        else this.pump();
      };
      try {
        task.run(client, done);
      } catch (e) {
        done({ message: errorText(e) });
      }
    }
  }
}

const mbap: TcpClientFactory = (host, port) => new MbapClient(host, port);

function unreachable(message: string, cause?: unknown): WeftError {
  return new WeftError("DEVICE_UNREACHABLE", message, cause === undefined ? {} : { cause });
}

function errorText(e: unknown): string {
  if (typeof e === "object" && e !== null && "message" in e)
    return String((e as { message: unknown }).message);
  return String(e);
}

/** Map a modbus-serial error to a WeftError. */
export function toWeftError(label: string, err: ModbusSerialError): WeftError {
  if (typeof err.modbusCode === "number") {
    const code = err.modbusCode;
    return new WeftError(
      "DEVICE_EXCEPTION",
      `modbus:${code} ${EXCEPTION_NAMES[code] ?? "Unknown exception"}`,
      {
        details: { exceptionCode: code },
      },
    );
  }
  if (err.errno === "ETIMEDOUT" || err.name === "TransactionTimedOutError") {
    return new WeftError("DEVICE_UNREACHABLE", `${label}: no answer (timeout)`, {
      details: { timeout: true },
    });
  }
  if (err.name === "PortNotOpenError") return unreachable(`${label}: not connected`);
  return new WeftError("PROTOCOL_ERROR", `${label}: ${err.message ?? "bad frame"}`);
}
