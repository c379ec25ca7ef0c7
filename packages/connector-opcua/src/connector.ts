import {
  Backoff,
  type ConnectorLogger,
  type ConnectorStartContext,
  type ConnectorState,
  type ConnectorStatus,
  DeadbandFilter,
  type ReadableConnector,
  sleep,
  type WritableConnector,
} from "@weft/connector-sdk";
import { type Reading, type ReadingValue, WeftError } from "@weft/core";
import type { ClientSession, ClientSubscription, DataValue, OPCUAClient } from "node-opcua";
import type { OpcuaConfig, OpcuaPoint } from "./config.ts";
import { connectSession, createClient } from "./internal/client.ts";
import { fetchEndpoints, selectEndpoint } from "./internal/endpoints.ts";
import { statusOfError, toWeftError } from "./internal/errors.ts";
import { type DataGap, GapTracker, settleWithin } from "./internal/gaps.ts";
import { readLimits } from "./internal/limits.ts";
import { createMonitoring } from "./internal/monitor.ts";
import { callMethod, type MethodCallResult, writeValue } from "./internal/operations.ts";
import { readBatched, runPoller } from "./internal/poller.ts";
import { badReadings, ReadingBuffer, type TimestampSource, toReading } from "./internal/readings.ts";
import { type ClientPki, openClientPki } from "./pki.ts";

export type { DataGap } from "./internal/gaps.ts";
export type { MethodCallResult } from "./internal/operations.ts";

export interface OpcuaConnectorStatus extends ConnectorStatus {
  acquisition: "subscribe" | "poll" | "mixed" | "none";
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
  #state: ConnectorState = "idle";
  #counters = { readings: 0, badReadings: 0, requests: 0, errors: 0, reconnects: 0 };
  #sequenceGaps = 0;
  readonly #outages: GapTracker;
  #lastError: ConnectorStatus["lastError"];
  #connectedSince: number | undefined;
  #acquisition: OpcuaConnectorStatus["acquisition"] = "none";
  #subscriptions: ClientSubscription[] = [];
  #log: ConnectorLogger = NOOP_LOGGER;
  #sink: ((batch: readonly Reading[]) => void) | undefined;
  #buffer = new ReadingBuffer((batch) => this.#deliver(batch));
  #abort: AbortController | undefined;
  #loop: Promise<void> | undefined;
  #pki: ClientPki | undefined;
  #client: OPCUAClient | undefined;
  #session: ClientSession | undefined;
  #endpointChecked = false;
  #lastBeat = 0;
  #deadband = new DeadbandFilter();

  constructor(config: OpcuaConfig) {
    this.#config = config;
    this.#outages = new GapTracker(config);
    for (const [i, p] of config.points.entries()) this.#index.set(p.id, i);
  }

  get config(): OpcuaConfig {
    return this.#config;
  }

  async start(ctx: ConnectorStartContext): Promise<void> {
    if (this.#loop) return;
    this.#sink = ctx.sink;
    this.#log = ctx.logger ?? NOOP_LOGGER;
    this.#abort = new AbortController();
    ctx.signal.addEventListener("abort", () => void this.stop(), { once: true });
    if (ctx.signal.aborted) return this.stop();
    this.#state = "connecting";
    this.#loop = this.#run(this.#abort.signal);
  }

  async stop(): Promise<void> {
    if (this.#state === "stopped") return;
    this.#abort?.abort();
    this.#state = "stopped";
    await this.#teardown(); // fails any request in flight, so the loop ends at once
    await this.#loop;
    await this.#teardown();
    await this.#pki?.dispose().catch(() => {});
    this.#pki = undefined;
    this.#buffer.flush();
    this.#sink = undefined;
  }

  status(): OpcuaConnectorStatus {
    return {
      state: this.#state,
      counters: { ...this.#counters },
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
      ...(this.#connectedSince !== undefined ? { connectedSince: this.#connectedSince } : {}),
      acquisition: this.#acquisition,
      subscriptions: this.#subscriptions.length,
      missed: { sequenceGaps: this.#sequenceGaps, estimatedValues: this.#outages.estimatedValues },
      gaps: [...this.#outages.gaps],
      ...(this.#pki
        ? {
            certificate: {
              notAfter: this.#pki.certificate.notAfter.toISOString(),
              ...(this.#pki.expiryWarning ? { warning: this.#pki.expiryWarning } : {}),
            },
          }
        : {}),
    };
  }

  async readOnce(options: { signal?: AbortSignal } = {}): Promise<Reading[]> {
    return this.#withSession(async (session, batch) => {
      const values = await readBatched(session, this.#config.points, batch, () => this.#counters.requests++);
      if (options.signal?.aborted) throw new WeftError("INTERNAL", "readOnce aborted");
      const now = Date.now();
      return this.#config.points.map((p, i) => {
        const dv = values[i];
        return dv
          ? toReading(p, dv, this.#tsSource(), now)
          : (badReadings([p], "BadNoData", now)[0] as Reading);
      });
    });
  }

  async write(pointId: string, value: ReadingValue): Promise<void> {
    const point = this.#point(pointId);
    await this.#withSession(async (session) => {
      this.#counters.requests++;
      await writeValue(session, point, value);
    });
  }

  async call(
    objectId: string,
    methodId: string,
    inputs: readonly ReadingValue[] = [],
  ): Promise<MethodCallResult> {
    return this.#withSession(async (session) => {
      this.#counters.requests++;
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

  #tsSource(): TimestampSource {
    return this.#config.timestamps;
  }

  /** Use the live session when connected, else a short-lived one. */
  async #withSession<T>(fn: (session: ClientSession, readBatch: number) => Promise<T>): Promise<T> {
    if (this.#session && this.#state === "connected")
      return fn(this.#session, this.#config.acquisition.maxNodesPerRead ?? 1000);
    const pki = await this.#openPki();
    const client = createClient(this.#config, pki);
    try {
      const session = await connectSession(client, this.#config);
      try {
        const limits = await readLimits(session, this.#config);
        return await fn(session, limits.maxNodesPerRead);
      } finally {
        await settleWithin(session.close(), 2000);
      }
    } finally {
      await settleWithin(client.disconnect(), 2000);
      if (pki !== this.#pki) await pki.dispose().catch(() => {});
    }
  }

  async #openPki(): Promise<ClientPki> {
    if (this.#pki) return this.#pki;
    const c = this.#config.pki;
    const pki = await openClientPki({
      folder: c.folder,
      applicationName: c.applicationName,
      acceptUnknownServerCertificate: c.acceptUnknownServerCertificate,
      renewWarningDays: c.renewWarningDays,
    });
    if (pki.expiryWarning) this.#log.warn({ certificate: pki.certificateFile }, pki.expiryWarning);
    if (pki.created)
      this.#log.info(
        { certificate: pki.certificateFile, thumbprint: pki.certificate.thumbprint },
        "created the OPC UA client certificate",
      );
    return pki;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({
      initialMs: this.#config.reconnect.initialDelayMs,
      maxMs: this.#config.reconnect.maxDelayMs,
    });
    while (!signal.aborted) {
      try {
        await this.#connectAndServe(signal, () => backoff.reset());
      } catch (e) {
        if (!signal.aborted) this.#failed(e);
      }
      await this.#teardown();
      if (signal.aborted) break;
      this.#state = "reconnecting";
      const delay = backoff.next();
      this.#log.info({ delayMs: delay, attempt: backoff.attempts }, "OPC UA reconnect scheduled");
      if (!(await sleep(delay, signal))) break;
      this.#counters.reconnects++;
    }
  }

  async #connectAndServe(signal: AbortSignal, connected: () => void): Promise<void> {
    const config = this.#config;
    this.#pki ??= await this.#openPki();
    if (!this.#endpointChecked) {
      const endpoints = await fetchEndpoints(config.endpointUrl, config.requestTimeoutMs, this.#pki);
      selectEndpoint(endpoints, config.security, config.identity.type);
      this.#endpointChecked = true;
    }
    const client = createClient(config, this.#pki);
    this.#client = client;
    client.on("connection_lost", () => this.#onLost());
    client.on("connection_reestablished", () => this.#onRestored());
    client.on("reconnection_attempt_has_failed", (err: Error) =>
      this.#recordError(toWeftError(err, "reconnect to", config.endpointUrl)),
    );
    const session = await connectSession(client, config);
    this.#session = session;
    if (signal.aborted) return;
    this.#counters.requests += 3;
    const limits = await readLimits(session, config);
    this.#lastBeat = Date.now();
    await this.#acquire(session, limits, signal);
    this.#state = "connected";
    this.#connectedSince = Date.now();
    connected();
    this.#closeGap();
    this.#log.info(
      {
        endpointUrl: config.endpointUrl,
        acquisition: this.#acquisition,
        subscriptions: this.#subscriptions.length,
      },
      "OPC UA connected",
    );
    await this.#watch(signal);
  }

  async #acquire(
    session: ClientSession,
    limits: Awaited<ReturnType<typeof readLimits>>,
    signal: AbortSignal,
  ): Promise<void> {
    const config = this.#config;
    const points = config.points;
    let toPoll: number[] = [];
    if (config.acquisition.mode === "poll") toPoll = points.map((_, i) => i);
    else {
      const result = await createMonitoring(
        session,
        points,
        {
          publishingIntervalMs: config.acquisition.publishingIntervalMs,
          samplingIntervalMs: config.acquisition.samplingIntervalMs,
          heartbeatIntervalMs: config.heartbeatIntervalMs,
          limits,
        },
        {
          onValue: (i, dv) => this.#emitValue(i, dv),
          onItemError: (i, status) => {
            const p = points[i];
            if (p) this.#emitBad([p], status);
          },
          onHeartbeat: () => {
            this.#lastBeat = Date.now();
          },
          onSequenceGap: (n) => {
            this.#sequenceGaps += n;
            this.#log.warn(
              { missingNotificationMessages: n },
              "OPC UA notifications missing from a subscription's sequence",
            );
          },
        },
      );
      this.#subscriptions = result.subscriptions;
      if (result.unplaced.length > 0) {
        const status = result.unplacedStatus ?? "BadTooManyMonitoredItems";
        if (config.acquisition.mode === "auto") toPoll = result.unplaced;
        else
          this.#emitBad(
            result.unplaced.flatMap((i) => (points[i] ? [points[i]] : [])),
            status,
          );
        this.#recordError(
          new WeftError(
            "RATE_LIMITED",
            `${result.unplaced.length} points could not be subscribed (${status})`,
            { details: { status } },
          ),
        );
      }
    }
    const subscribed = this.#subscriptions.length > 0;
    this.#acquisition = toPoll.length === 0 ? "subscribe" : subscribed ? "mixed" : "poll";
    if (toPoll.length > 0 || !subscribed)
      void runPoller(session, points, toPoll, {
        intervalMs: config.acquisition.pollIntervalMs,
        batchSize: limits.maxNodesPerRead,
        signal,
        onRequest: () => this.#counters.requests++,
        onHeartbeat: () => {
          this.#lastBeat = Date.now();
        },
        onError: (e) => this.#recordError(toWeftError(e, "Read on", config.endpointUrl)),
        onValues: (indexes, values) => {
          const now = Date.now();
          indexes.forEach((i, k) => {
            const p = points[i];
            const dv = values[k];
            if (!p || !dv) return;
            const r = toReading(p, dv, this.#tsSource(), now);
            const db = p.deadbandType === "absolute" ? p.deadband : undefined;
            if (this.#deadband.accept(p.id, db, r.value, r.quality)) this.#push(r);
          });
        },
      });
  }

  /** Resolves (by throwing) when the heartbeat is stale while node-opcua thinks all is well. */
  async #watch(signal: AbortSignal): Promise<void> {
    const period = this.#config.heartbeatIntervalMs;
    while (await sleep(period, signal)) {
      if (this.#client?.isReconnecting || this.#state === "reconnecting") continue;
      const silentMs = Date.now() - this.#lastBeat;
      if (silentMs > 3 * period) {
        this.#onLost("BadNoCommunication");
        throw new WeftError(
          "DEVICE_UNREACHABLE",
          `stale OPC UA session: no heartbeat from ${this.#config.endpointUrl} for ${silentMs} ms`,
          {
            fix: "the server stopped answering; the connector rebuilds the session",
            details: { status: "BadNoCommunication" },
          },
        );
      }
    }
  }

  #emitValue(index: number, dv: DataValue): void {
    const p = this.#config.points[index];
    if (p) this.#push(toReading(p, dv, this.#tsSource()));
  }

  #emitBad(points: readonly OpcuaPoint[], status: string): void {
    for (const r of badReadings(points, status)) this.#push(r);
  }

  #push(r: Reading): void {
    if (this.#state === "stopped") return; // nothing after stop()
    this.#counters.readings++;
    if (r.quality === "bad") this.#counters.badReadings++;
    this.#buffer.push(r);
  }

  #deliver(batch: Reading[]): void {
    try {
      this.#sink?.(batch);
    } catch (e) {
      this.#log.error({ err: e }, "reading sink threw; readings dropped");
    }
  }

  #recordError(err: WeftError): void {
    this.#counters.errors++;
    this.#lastError = { code: err.code, message: err.message, at: Date.now() };
  }

  #failed(e: unknown): void {
    const err = toWeftError(e, "OPC UA session with", this.#config.endpointUrl);
    this.#recordError(err);
    this.#log.warn({ code: err.code, fix: err.fix, err: err.message }, "OPC UA connection failed");
    this.#onLost(statusOfError(err));
  }

  #onLost(status = "BadConnectionClosed"): void {
    if (this.#state !== "stopped") this.#state = "reconnecting";
    if (this.#outages.lost()) {
      this.#emitBad(this.#config.points, status);
      if (status === "BadConnectionClosed")
        this.#recordError(
          new WeftError("DEVICE_UNREACHABLE", `connection to ${this.#config.endpointUrl} lost`, {
            details: { status },
          }),
        );
    }
  }

  #onRestored(): void {
    this.#counters.reconnects++;
    this.#lastBeat = Date.now();
    this.#state = "connected";
    this.#closeGap();
  }

  #closeGap(): void {
    const gap = this.#outages.restored();
    if (gap)
      this.#log.warn(
        { ...gap, durationMs: gap.to - gap.from },
        "OPC UA data gap: values may have been missed",
      );
  }

  async #teardown(): Promise<void> {
    const session = this.#session;
    const client = this.#client;
    this.#session = undefined;
    this.#client = undefined;
    this.#subscriptions = [];
    this.#acquisition = "none";
    this.#connectedSince = undefined;
    if (session) await settleWithin(session.close(true), 2000);
    if (client) {
      await settleWithin(client.disconnect(), 3000);
      client.removeAllListeners();
    }
  }
}
