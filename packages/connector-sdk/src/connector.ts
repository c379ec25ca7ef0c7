import type { Reading, ReadingSink, ReadingValue } from "@weft/core";

/** The subset of pino's logger a connector uses; pass a pino child logger. */
export interface ConnectorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ConnectorStartContext {
  /** Receives every reading; must not throw. */
  sink: ReadingSink;
  /** Aborting it has the same effect as `stop()`. */
  signal: AbortSignal;
  logger?: ConnectorLogger;
}

/**
 * `connected` means the device answered (a successful read), not merely that a socket is open;
 * `unresponsive` is a link that is up (e.g. a TCP connection) to a device that does not answer.
 */
export type ConnectorState =
  | "idle"
  | "connecting"
  | "connected"
  | "unresponsive"
  | "reconnecting"
  | "stopped";

export interface ConnectorStatus {
  state: ConnectorState;
  /** The likely cause when the device is not answering as it should (unit id, wrong area, firewall…). */
  hint?: string;
  /** Counters since start. `requests` counts protocol round trips. */
  counters: { readings: number; badReadings: number; requests: number; errors: number; reconnects: number };
  lastError?: { code: string; message: string; at: number };
  connectedSince?: number;
}

/**
 * A running link to one device. `start` resolves once the connector is running
 * (not once the device answered): an unreachable device is reported as `bad`
 * readings and reconnect attempts, never as a rejected promise or a crash.
 */
export interface Connector {
  readonly kind: string;
  start(ctx: ConnectorStartContext): Promise<void>;
  /** Releases every socket and timer; idempotent. */
  stop(): Promise<void>;
  status(): ConnectorStatus;
}

/** Capability: read every configured point once (used by `weft-gateway read`). */
export interface ReadableConnector extends Connector {
  readOnce(options?: { signal?: AbortSignal }): Promise<Reading[]>;
}

/** Capability: write a value to a point, encoded with the point's type. */
export interface WritableConnector extends Connector {
  write(pointId: string, value: ReadingValue): Promise<void>;
}

export function canReadOnce(c: Connector): c is ReadableConnector {
  return typeof (c as Partial<ReadableConnector>).readOnce === "function";
}

export function canWrite(c: Connector): c is WritableConnector {
  return typeof (c as Partial<WritableConnector>).write === "function";
}
