import type { Connector, ConnectorFactory } from "@weft/connector-sdk";
import type { BatchReading, Reading } from "@weft/core";
import type { Logger } from "pino";
import type { ResolvedDevice } from "../config/load.ts";
import { ProfileEngine } from "../profile/engine.ts";
import type { DeviceStatus } from "./status.ts";

/** One configured device: its connector, its profile engine and its counters. */
export class DeviceRunner {
  readonly id: string;
  private connector: Connector | null = null;
  private readonly engine: ProfileEngine | null;
  private readonly abort = new AbortController();
  private failed: { code: string; message: string; at: number } | null = null;

  constructor(
    readonly device: ResolvedDevice,
    private readonly factory: ConnectorFactory,
    private readonly emit: (readings: readonly BatchReading[]) => void,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.id = device.id;
    this.engine = device.profile
      ? new ProfileEngine(device.profile, {
          machine: device.machine,
          pointIds: device.connectorConfig.points.map((p) => p.id),
          bind: device.bind,
        })
      : null;
    if (this.engine?.disabled.length)
      logger.info(
        { device: device.id, disabled: this.engine.disabled },
        "profile signals without inputs on this device are off",
      );
  }

  /** Start the connector; a connector that throws while starting is reported, never fatal to the gateway. */
  async start(): Promise<void> {
    if (!this.device.enabled) return;
    try {
      this.connector = this.factory.create(this.device.connectorConfig);
      await this.connector.start({
        sink: (readings) => this.onReadings(readings),
        signal: this.abort.signal,
        logger: this.logger.child({ device: this.id }),
      });
    } catch (e) {
      this.failed = {
        code: (e as { code?: string }).code ?? "START_FAILED",
        message: String((e as Error).message ?? e),
        at: this.now(),
      };
      this.logger.error({ device: this.id, err: this.failed }, "device connector failed to start");
    }
  }

  private onReadings(readings: readonly Reading[]): void {
    try {
      if (this.engine) this.emit(this.engine.process(readings, this.now()));
      else this.emit(readings.map((r) => ({ ...r, machine: this.device.machine })));
    } catch (e) {
      this.logger.error({ device: this.id, err: String(e) }, "reading pipeline failed");
    }
  }

  /** Heartbeats and offline detection from the profile. */
  tick(): void {
    if (!this.engine || !this.connector) return;
    const out = this.engine.tick(this.now(), this.connector.status().state === "connected");
    if (out.length) this.emit(out);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.connector?.stop();
  }

  status(): DeviceStatus {
    const base = {
      id: this.id,
      machine: this.device.machine,
      connector: this.device.connector,
      disabledSignals: this.engine?.disabled.map((d) => d.role) ?? [],
    };
    if (!this.device.enabled || !this.connector) {
      return {
        ...base,
        state: this.device.enabled ? "failed" : "disabled",
        connectedSince: null,
        readings: 0,
        badReadings: 0,
        errors: this.failed ? 1 : 0,
        reconnects: 0,
        lastError: this.failed,
        hint: null,
      };
    }
    const s = this.connector.status();
    return {
      ...base,
      state: s.state,
      connectedSince: s.connectedSince ?? null,
      readings: s.counters.readings,
      badReadings: s.counters.badReadings,
      errors: s.counters.errors,
      reconnects: s.counters.reconnects,
      lastError: s.lastError ?? null,
      hint: s.hint ?? null,
    };
  }
}
