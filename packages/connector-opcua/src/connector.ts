import type {
  ConnectorLogger,
  ConnectorStartContext,
  ConnectorStatus,
  ReadableConnector,
  WritableConnector,
} from "@weft/connector-sdk";
import { type Reading, type ReadingValue, WeftError } from "@weft/core";
import type { OpcuaConfig, OpcuaPoint } from "./config.ts";
import type { AcquisitionMode } from "./internal/acquisition.ts";
import { ServerConnection } from "./internal/connection.ts";
import type { DataGap } from "./internal/gaps.ts";
import { ConnectorHealth } from "./internal/health.ts";
import { callMethod, type MethodCallResult, writeValue } from "./internal/operations.ts";
import { ReadingOutlet } from "./internal/outlet.ts";
import { readBatched } from "./internal/poller.ts";
import { badReadings, toReading } from "./internal/readings.ts";
import { routeNodeOpcuaLogs } from "./log-level.ts";

export type { DataGap } from "./internal/gaps.ts";
export type { MethodCallResult } from "./internal/operations.ts";

export interface OpcuaConnectorStatus extends ConnectorStatus {
  acquisition: AcquisitionMode;
  subscriptions: number;
  /** Extra counters: notification messages missing from a subscription's sequence, values possibly missed in gaps. */
  missed: { sequenceGaps: number; estimatedValues: number };
  /** Most recent gaps (at most 20). */
  gaps: DataGap[];
  certificate?: { notAfter: string; warning?: string };
}

/** Capability: OPC UA method calls (separate from read/write, as the Modbus connector has none). */
export interface MethodCallableConnector {
  call(objectId: string, methodId: string, inputs?: readonly ReadingValue[]): Promise<MethodCallResult>;
}

export function canCallMethod(c: object): c is MethodCallableConnector {
  return typeof (c as Partial<MethodCallableConnector>).call === "function";
}

const NOOP_LOGGER: ConnectorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** The OPC UA connector; build it with `opcuaConnector.create(config)`. */
export class OpcuaConnector implements ReadableConnector, WritableConnector, MethodCallableConnector {
  readonly kind = "opcua";
  readonly #config: OpcuaConfig;
  readonly #index = new Map<string, number>();
  readonly #health: ConnectorHealth;
  readonly #outlet: ReadingOutlet;
  readonly #connection: ServerConnection;
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;

  constructor(config: OpcuaConfig) {
    this.#config = config;
    this.#health = new ConnectorHealth(config);
    this.#outlet = new ReadingOutlet(this.#health);
    this.#connection = new ServerConnection(config, this.#health, this.#outlet, NOOP_LOGGER);
    for (const [i, p] of config.points.entries()) this.#index.set(p.id, i);
  }

  get config(): OpcuaConfig {
    return this.#config;
  }

  async start(ctx: ConnectorStartContext): Promise<void> {
    if (this.#loop) return;
    const log = ctx.logger ?? NOOP_LOGGER;
    if (ctx.logger) routeNodeOpcuaLogs(ctx.logger);
    this.#outlet.open(ctx.sink, log);
    this.#connection.log = log;
    this.#abort = new AbortController();
    ctx.signal.addEventListener("abort", () => void this.stop(), { once: true });
    if (ctx.signal.aborted) return this.stop();
    this.#health.state = "connecting";
    this.#loop = this.#connection.run(this.#abort.signal);
  }

  async stop(): Promise<void> {
    if (this.#health.state === "stopped") return;
    this.#abort?.abort();
    this.#health.state = "stopped";
    await this.#connection.teardown(); // fails any request in flight, so the loop ends at once
    await this.#loop;
    await this.#connection.teardown();
    await this.#connection.disposePki();
    this.#outlet.close();
  }

  status(): OpcuaConnectorStatus {
    const health = this.#health;
    const connection = this.#connection;
    const pki = connection.pki;
    return {
      state: health.state,
      counters: { ...health.counters },
      ...(health.lastError ? { lastError: health.lastError } : {}),
      ...(connection.connectedSince !== undefined ? { connectedSince: connection.connectedSince } : {}),
      acquisition: connection.acquisition,
      subscriptions: connection.subscriptions.length,
      missed: { sequenceGaps: health.sequenceGaps, estimatedValues: health.outages.estimatedValues },
      gaps: [...health.outages.gaps],
      ...(pki
        ? {
            certificate: {
              notAfter: pki.certificate.notAfter.toISOString(),
              ...(pki.expiryWarning ? { warning: pki.expiryWarning } : {}),
            },
          }
        : {}),
    };
  }

  async readOnce(options: { signal?: AbortSignal } = {}): Promise<Reading[]> {
    return this.#connection.withSession(async (session, batch) => {
      const values = await readBatched(
        session,
        this.#config.points,
        batch,
        () => this.#health.counters.requests++,
      );
      if (options.signal?.aborted) throw new WeftError("INTERNAL", "readOnce aborted");
      const now = Date.now();
      return this.#config.points.map((p, i) => {
        const dv = values[i];
        return dv
          ? toReading(p, dv, this.#config.timestamps, now)
          : (badReadings([p], "BadNoData", now)[0] as Reading);
      });
    });
  }

  async write(pointId: string, value: ReadingValue): Promise<void> {
    const point = this.#point(pointId);
    await this.#connection.withSession(async (session) => {
      this.#health.counters.requests++;
      await writeValue(session, point, value);
    });
  }

  async call(
    objectId: string,
    methodId: string,
    inputs: readonly ReadingValue[] = [],
  ): Promise<MethodCallResult> {
    return this.#connection.withSession(async (session) => {
      this.#health.counters.requests++;
      return callMethod(session, objectId, methodId, inputs);
    });
  }

  #point(pointId: string): OpcuaPoint {
    const i = this.#index.get(pointId);
    const point = i === undefined ? undefined : this.#config.points[i];
    if (!point)
      throw new WeftError("NOT_FOUND", `no OPC UA point "${pointId}" in this connector`, {
        field: "pointId",
        fix: `use one of: ${[...this.#index.keys()].slice(0, 10).join(", ")}`,
      });
    return point;
  }
}
