import { Backoff, type ConnectorLogger, DeadbandFilter, sleep } from "@weft/connector-sdk";
import { WeftError } from "@weft/core";
import type { ClientSession, ClientSubscription, OPCUAClient } from "node-opcua";
import type { OpcuaConfig } from "../config.ts";
import { type ClientPki, openClientPki } from "../pki.ts";
import { type AcquisitionMode, startAcquisition } from "./acquisition.ts";
import { connectSession, createClient } from "./client.ts";
import { fetchEndpoints, selectEndpoint } from "./endpoints.ts";
import { statusOfError, toWeftError } from "./errors.ts";
import { settleWithin } from "./gaps.ts";
import type { ConnectorHealth } from "./health.ts";
import { readLimits } from "./limits.ts";
import type { ReadingOutlet } from "./outlet.ts";

/**
 * The connector's link to its OPC UA server: the reconnect loop (connect, acquire, watch
 * the heartbeat, rebuild on failure), outage bookkeeping, and the session that reads,
 * writes and method calls borrow.
 */
export class ServerConnection {
  log: ConnectorLogger;
  acquisition: AcquisitionMode = "none";
  subscriptions: ClientSubscription[] = [];
  connectedSince: number | undefined;
  #pki: ClientPki | undefined;
  #client: OPCUAClient | undefined;
  #session: ClientSession | undefined;
  #endpointChecked = false;
  #lastBeat = 0;
  readonly #deadband = new DeadbandFilter();

  constructor(
    private readonly config: OpcuaConfig,
    private readonly health: ConnectorHealth,
    private readonly outlet: ReadingOutlet,
    log: ConnectorLogger,
  ) {
    this.log = log;
  }

  get pki(): ClientPki | undefined {
    return this.#pki;
  }

  async disposePki(): Promise<void> {
    await this.#pki?.dispose().catch(() => {});
    this.#pki = undefined;
  }

  /** Use the live session when connected, else a short-lived one. */
  async withSession<T>(fn: (session: ClientSession, readBatch: number) => Promise<T>): Promise<T> {
    if (this.#session && this.health.state === "connected")
      return fn(this.#session, this.config.acquisition.maxNodesPerRead ?? 1000);
    const pki = await this.#openPki();
    const client = createClient(this.config, pki);
    try {
      const session = await connectSession(client, this.config);
      try {
        const limits = await readLimits(session, this.config);
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
    const c = this.config.pki;
    const pki = await openClientPki({
      folder: c.folder,
      applicationName: c.applicationName,
      acceptUnknownServerCertificate: c.acceptUnknownServerCertificate,
      renewWarningDays: c.renewWarningDays,
    });
    if (pki.expiryWarning) this.log.warn({ certificate: pki.certificateFile }, pki.expiryWarning);
    if (pki.created)
      this.log.info(
        { certificate: pki.certificateFile, thumbprint: pki.certificate.thumbprint },
        "created the OPC UA client certificate",
      );
    return pki;
  }

  async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff({
      initialMs: this.config.reconnect.initialDelayMs,
      maxMs: this.config.reconnect.maxDelayMs,
    });
    while (!signal.aborted) {
      try {
        await this.#connectAndServe(signal, () => backoff.reset());
      } catch (e) {
        if (!signal.aborted) this.#failed(e);
      }
      await this.teardown();
      if (signal.aborted) break;
      this.health.state = "reconnecting";
      const delay = backoff.next();
      this.log.info({ delayMs: delay, attempt: backoff.attempts }, "OPC UA reconnect scheduled");
      if (!(await sleep(delay, signal))) break;
      this.health.counters.reconnects++;
    }
  }

  async #connectAndServe(signal: AbortSignal, connected: () => void): Promise<void> {
    const config = this.config;
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
      this.health.recordError(toWeftError(err, "reconnect to", config.endpointUrl)),
    );
    const session = await connectSession(client, config);
    this.#session = session;
    if (signal.aborted) return;
    this.health.counters.requests += 3;
    const limits = await readLimits(session, config);
    this.#lastBeat = Date.now();
    const acquired = await startAcquisition(session, limits, signal, {
      config,
      health: this.health,
      outlet: this.outlet,
      deadband: this.#deadband,
      log: this.log,
      beat: () => {
        this.#lastBeat = Date.now();
      },
    });
    this.subscriptions = acquired.subscriptions;
    this.acquisition = acquired.mode;
    this.health.state = "connected";
    this.connectedSince = Date.now();
    connected();
    this.#closeGap();
    this.log.info(
      {
        endpointUrl: config.endpointUrl,
        acquisition: this.acquisition,
        subscriptions: this.subscriptions.length,
      },
      "OPC UA connected",
    );
    await this.#watch(signal);
  }

  /** Resolves (by throwing) when the heartbeat is stale while node-opcua thinks all is well. */
  async #watch(signal: AbortSignal): Promise<void> {
    const period = this.config.heartbeatIntervalMs;
    while (await sleep(period, signal)) {
      if (this.#client?.isReconnecting || this.health.state === "reconnecting") continue;
      const silentMs = Date.now() - this.#lastBeat;
      if (silentMs > 3 * period) {
        this.#onLost("BadNoCommunication");
        throw new WeftError(
          "DEVICE_UNREACHABLE",
          `stale OPC UA session: no heartbeat from ${this.config.endpointUrl} for ${silentMs} ms`,
          {
            fix: "the server stopped answering; the connector rebuilds the session",
            details: { status: "BadNoCommunication" },
          },
        );
      }
    }
  }

  #failed(e: unknown): void {
    const err = toWeftError(e, "OPC UA session with", this.config.endpointUrl);
    this.health.recordError(err);
    this.log.warn({ code: err.code, fix: err.fix, err: err.message }, "OPC UA connection failed");
    this.#onLost(statusOfError(err));
  }

  #onLost(status = "BadConnectionClosed"): void {
    if (this.health.state !== "stopped") this.health.state = "reconnecting";
    if (this.health.outages.lost()) {
      this.outlet.pushBad(this.config.points, status);
      if (status === "BadConnectionClosed")
        this.health.recordError(
          new WeftError("DEVICE_UNREACHABLE", `connection to ${this.config.endpointUrl} lost`, {
            details: { status },
          }),
        );
    }
  }

  #onRestored(): void {
    this.health.counters.reconnects++;
    this.#lastBeat = Date.now();
    this.health.state = "connected";
    this.#closeGap();
  }

  #closeGap(): void {
    const gap = this.health.outages.restored();
    if (gap)
      this.log.warn(
        { ...gap, durationMs: gap.to - gap.from },
        "OPC UA data gap: values may have been missed",
      );
  }

  async teardown(): Promise<void> {
    const session = this.#session;
    const client = this.#client;
    this.#session = undefined;
    this.#client = undefined;
    this.subscriptions = [];
    this.acquisition = "none";
    this.connectedSince = undefined;
    if (session) await settleWithin(session.close(true), 2000);
    if (client) {
      await settleWithin(client.disconnect(), 3000);
      client.removeAllListeners();
    }
  }
}
