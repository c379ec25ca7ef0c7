import * as path from "node:path";
import type { BatchReading } from "@weft/core";
import { WeftError } from "@weft/core";
import pino, { type Logger } from "pino";
import { loadConfigObject } from "../config/load.ts";
import { loadAndValidate, type ValidatedConfig, validateConnectors } from "../config/validate.ts";
import { type ConnectorRegistry, createDefaultRegistry } from "../connectors/registry.ts";
import { Journal, type JournalEvent } from "../journal/journal.ts";
import type { LossReason } from "../journal/losses.ts";
import { createBrainClient } from "../uplink/client.ts";
import { brokerOptions } from "../uplink/mqtt-options.ts";
import { SparkplugUplink } from "../uplink/sparkplug.ts";
import { Uplink } from "../uplink/uplink.ts";
import { Batcher } from "./batcher.ts";
import { DeviceRunner } from "./device.ts";
import { type FaultPlan, faultInjector } from "./fault.ts";
import { type HealthServer, startHealthServer } from "./health.ts";
import { RateMeter } from "./rate.ts";
import type { GatewayStatus } from "./status.ts";

export interface StartGatewayOptions {
  /** Path of a YAML config file. */
  configPath?: string;
  /** Or the config as an object (same shape as the YAML); relative paths resolve from `baseDir`. */
  config?: unknown;
  baseDir?: string;
  logger?: Logger;
  /** Connector host; default: built-in modbus and opcua plus plugins by package name. */
  registry?: ConnectorRegistry;
  env?: Readonly<Record<string, string | undefined>>;
  /** Override the config's `health` section (e.g. `{ port: 0 }` for a free port, or false). */
  health?: { host?: string; port: number } | false;
  /** Seconds `stop()` keeps uploading what is buffered before closing (default 5). */
  drainOnStopS?: number;
  /** TEST ONLY: stop the process at a step of the acknowledge path (see runtime/fault.ts). */
  fault?: FaultPlan | null;
}

export interface RunningGateway {
  readonly id: string;
  /** `http://host:port` of /health, /metrics and /status, or null when disabled. */
  readonly healthUrl: string | null;
  status(): GatewayStatus;
  /** Cut the pending batch now (it goes to the journal and then the uplink). */
  flush(): void;
  /** Flush, try to upload the backlog for `drainOnStopS`, persist the journal cursor and release everything. */
  stop(): Promise<void>;
}

/**
 * Start a gateway in this process: config → connectors → device profiles →
 * durable journal → uplink to the brain, plus the health server.
 * @example
 * const gw = await startGateway({ configPath: "gateway.yaml", logger });
 * console.log(gw.status().buffer.pendingReadings);
 * await gw.stop();
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const logger = options.logger ?? pino({ level: "info" });
  const registry = options.registry ?? createDefaultRegistry();
  const cfg = await loadAny(options, registry);
  const { config } = cfg;
  const log = logger.child({ gateway: config.gateway.id });
  const dataDir = path.resolve(cfg.baseDir, config.gateway.dataDir);
  let journalRef: Journal | null = null;
  const fault = options.fault
    ? faultInjector(options.fault, dataDir, () => {
        const b = journalRef?.stats();
        return { synced: journalRef?.syncedPoint(), lastSeq: b?.lastSeq, ackedSeq: b?.ackedSeq };
      })
    : undefined;
  if (options.fault)
    log.warn({ fault: options.fault }, "WEFT_FAULT_AT is set: this process will kill itself (test only)");
  const journal = Journal.open({
    dir: path.join(dataDir, "journal"),
    segmentBytes: config.buffer.segmentBytes,
    maxBytes: config.buffer.maxBytes,
    fsync: config.buffer.fsync,
    fsyncIntervalMs: config.buffer.fsyncInterval,
    whenFull: config.buffer.whenFull,
    onEvent: (e) => logJournalEvent(log, e),
    ...(fault ? { fault } : {}),
  });
  journalRef = journal;
  const meter = new RateMeter();
  let readingsTotal = 0;
  const batcher = new Batcher({
    maxReadings: config.uplink.maxBatchReadings,
    maxAgeMs: config.uplink.maxBatchAge,
    flush: (readings) => {
      try {
        journal.append(readings);
      } catch (e) {
        log.error({ err: String(e), readings: readings.length }, "buffer append failed; batch lost");
      }
    },
  });
  const emit = (readings: readonly BatchReading[]) => {
    readingsTotal += readings.length;
    meter.add(readings.length);
    batcher.add(readings);
  };
  const devices = cfg.devices.map((d) => {
    const factory = cfg.factories.get(d.connector);
    if (!factory) throw new WeftError("INTERNAL", `no factory for ${d.connector}`);
    return new DeviceRunner(d, factory, emit, log);
  });
  let uplink: Uplink | SparkplugUplink | null = null;
  const up = config.uplink;
  if (up.kind === "sparkplug" && up.broker && up.groupId) {
    uplink = new SparkplugUplink({
      journal,
      logger: log,
      broker: up.broker,
      client: brokerOptions(up, cfg.baseDir),
      groupId: up.groupId,
      edgeNodeId: up.edgeNodeId ?? config.gateway.id,
      primaryHostId: up.primaryHostId === false ? null : up.primaryHostId,
      receiptTimeoutMs: up.receiptTimeout,
      windowReadings: 2 * up.maxUploadReadings,
      ...(up.uns ? { unsBase: up.uns.base } : {}),
    });
    uplink.start();
  } else if (config.brain) {
    const client = createBrainClient({
      url: config.brain.url,
      apiKey: config.brain.apiKey,
      compression: config.brain.compression,
      timeoutMs: config.uplink.timeout,
      onCompressionRefused: () =>
        log.warn(
          { url: config.brain?.url },
          "the brain does not accept Content-Encoding: gzip; sending plain JSON (set brain.compression: none to silence)",
        ),
    });
    uplink = new Uplink({
      journal,
      client,
      gatewayId: config.gateway.id,
      logger: log,
      retryInitialMs: config.uplink.retryInitial,
      retryMaxMs: config.uplink.retryMax,
      maxInFlight: config.uplink.maxInFlight,
      maxUploadReadings: config.uplink.maxUploadReadings,
      ...(fault ? { fault } : {}),
    });
    uplink.start();
  } else log.warn("no brain configured: readings are buffered on disk only");
  const startedAt = Date.now();
  const status = (): GatewayStatus => {
    const now = Date.now();
    const b = journal.stats();
    const u = uplink?.status() ?? null;
    const intake = meter.perSecond();
    return {
      gatewayId: config.gateway.id,
      startedAt,
      now,
      readingsPerSecond: intake,
      readingsTotal,
      devices: devices.map((d) => d.status()),
      buffer: {
        ...b,
        oldestPendingAgeMs: b.oldestPendingTs === null ? null : Math.max(0, now - b.oldestPendingTs),
        whenFull: config.buffer.whenFull,
        fsync: config.buffer.fsync,
        etaSeconds: backlogEta(b.pendingReadings, u, intake),
      },
      uplink: u,
    };
  };
  await Promise.all(devices.map((d) => d.start()));
  const ticker = setInterval(() => {
    for (const d of devices) d.tick();
  }, 1000);
  ticker.unref();
  const healthCfg = options.health ?? config.health;
  let health: HealthServer | null = null;
  if (healthCfg) {
    try {
      health = await startHealthServer(healthCfg.host ?? "127.0.0.1", healthCfg.port, status);
    } catch (e) {
      await Promise.all(devices.map((d) => d.stop()));
      await uplink?.stop();
      journal.close();
      throw new WeftError(
        "CONFIG_INVALID",
        `cannot serve /health on ${healthCfg.host ?? "127.0.0.1"}:${healthCfg.port}: ${String((e as Error).message)}`,
        {
          field: "health.port",
          fix: "pick a free port, 0 for any, or set health: false",
          cause: e,
        },
      );
    }
  }
  log.info(
    { devices: devices.length, dataDir, health: health?.url ?? null, brain: config.brain?.url ?? null },
    "gateway started",
  );
  let stopping: Promise<void> | null = null;
  return {
    id: config.gateway.id,
    healthUrl: health?.url ?? null,
    status,
    flush: () => batcher.flush(),
    stop: () => {
      stopping ??= (async () => {
        clearInterval(ticker);
        await Promise.all(devices.map((d) => d.stop()));
        batcher.close();
        journal.sync();
        await uplink?.stop((options.drainOnStopS ?? 5) * 1000);
        journal.close();
        await health?.close();
        const b = journal.stats();
        log.info(
          { readingsTotal, lastSeq: b.lastSeq, ackedSeq: b.ackedSeq, pendingReadings: b.pendingReadings },
          "gateway stopped",
        );
      })();
      return stopping;
    },
  };
}

/**
 * Seconds until the backlog is uploaded at the current drain rate, net of what keeps coming in;
 * 0 when nothing is pending, null while it is not shrinking (brain unreachable, no drain yet).
 */
export function backlogEta(
  pending: number,
  u: { connected: boolean; drainPerSecond: number } | null,
  intake: number,
): number | null {
  if (pending === 0) return 0;
  if (!u?.connected) return null;
  const net = u.drainPerSecond - intake;
  return net > 0 ? pending / net : null;
}

async function loadAny(options: StartGatewayOptions, registry: ConnectorRegistry): Promise<ValidatedConfig> {
  if (options.configPath) return loadAndValidate(options.configPath, registry, options.env);
  if (options.config !== undefined)
    return validateConnectors(
      loadConfigObject(options.config, options.baseDir ?? process.cwd(), {
        env: options.env,
        deferIssues: true,
      }),
      registry,
    );
  throw new WeftError("CONFIG_INVALID", "startGateway needs configPath or config", {
    fix: "pass { configPath: 'gateway.yaml' }",
  });
}

const LOSS_MESSAGES: Record<LossReason, string> = {
  "buffer-full": "buffer full: readings dropped per the overflow policy",
  damaged: "buffer damage: readings lost",
  "torn-tail": "buffer ended in a record the crash cut short: readings lost",
  "power-cut": "machine restarted with unsynced buffer records (fsync window): readings lost",
  unreadable: "buffered batch unreadable: readings lost",
};

function logJournalEvent(log: Logger, e: JournalEvent): void {
  switch (e.type) {
    case "quarantined":
      log.error(
        {
          segment: e.report.segment,
          quarantinedAs: e.report.quarantinedAs,
          damaged: e.report.damaged,
          recordsKept: e.report.recordsKept,
        },
        "buffer segment damaged: quarantined a copy, replaying its valid batches",
      );
      break;
    case "torn-tail":
      log.warn(
        { segment: e.segment, bytes: e.bytes },
        "buffer ended in a torn write (crash inside the fsync window); truncated",
      );
      break;
    case "lost": {
      const { reason, fromSeq, toSeq, batches, readings, note, segment } = e.loss;
      log.error(
        {
          reason,
          fromSeq,
          toSeq,
          batches,
          readings,
          ...(segment ? { segment } : {}),
          ...(note ? { note } : {}),
        },
        LOSS_MESSAGES[reason],
      );
      break;
    }
    case "renumbered":
      log.warn(
        { fromSeq: e.fromSeq, wireFrom: e.wireFrom, batches: e.batches },
        "the brain had these seqs with other readings (SEQ_CONFLICT): unsent batches renumbered above the brain's last seq",
      );
      break;
    case "cursor-problem":
      log.error(
        { message: e.message },
        "buffer cursor unreadable; replaying from the oldest batch (the brain dedupes)",
      );
      break;
  }
}
