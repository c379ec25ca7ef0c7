import type { ConnectorLogger, DeadbandFilter } from "@weft/connector-sdk";
import { WeftError } from "@weft/core";
import type { ClientSession, ClientSubscription } from "node-opcua";
import type { OpcuaConfig } from "../config.ts";
import { toWeftError } from "./errors.ts";
import type { ConnectorHealth } from "./health.ts";
import type { ServerLimits } from "./limits.ts";
import { createMonitoring } from "./monitor.ts";
import type { ReadingOutlet } from "./outlet.ts";
import { runPoller } from "./poller.ts";
import { toReading } from "./readings.ts";

/** How the points' values arrive: subscribed, polled, both, or not at all (not connected). */
export type AcquisitionMode = "subscribe" | "poll" | "mixed" | "none";

/** What acquisition reports to: the connector's config, counters, readings and logger. */
export interface AcquisitionContext {
  readonly config: OpcuaConfig;
  readonly health: ConnectorHealth;
  readonly outlet: ReadingOutlet;
  /** Applies absolute deadbands to polled values (monitored items get theirs from the server). */
  readonly deadband: DeadbandFilter;
  readonly log: ConnectorLogger;
  /** The server showed it is alive (keep-alive, CurrentTime). */
  beat(): void;
}

export interface Acquisition {
  mode: Exclude<AcquisitionMode, "none">;
  subscriptions: ClientSubscription[];
}

/**
 * Start acquiring every point on `session`: monitored items unless the config says poll,
 * and a poller for what could not be subscribed (mode auto) or when nothing was.
 */
export async function startAcquisition(
  session: ClientSession,
  limits: ServerLimits,
  signal: AbortSignal,
  ctx: AcquisitionContext,
): Promise<Acquisition> {
  const { config, health, outlet } = ctx;
  const points = config.points;
  let subscriptions: ClientSubscription[] = [];
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
        onValue: (i, dv) => {
          const p = points[i];
          if (p) outlet.push(toReading(p, dv, config.timestamps));
        },
        onItemError: (i, status) => {
          const p = points[i];
          if (p) outlet.pushBad([p], status);
        },
        onHeartbeat: () => ctx.beat(),
        onSequenceGap: (n) => {
          health.sequenceGaps += n;
          ctx.log.warn(
            { missingNotificationMessages: n },
            "OPC UA notifications missing from a subscription's sequence",
          );
        },
      },
    );
    subscriptions = result.subscriptions;
    if (result.unplaced.length > 0) {
      const status = result.unplacedStatus ?? "BadTooManyMonitoredItems";
      if (config.acquisition.mode === "auto") toPoll = result.unplaced;
      else
        outlet.pushBad(
          result.unplaced.flatMap((i) => (points[i] ? [points[i]] : [])),
          status,
        );
      health.recordError(
        new WeftError(
          "RATE_LIMITED",
          `${result.unplaced.length} points could not be subscribed (${status})`,
          { details: { status } },
        ),
      );
    }
  }
  const subscribed = subscriptions.length > 0;
  const mode = toPoll.length === 0 ? "subscribe" : subscribed ? "mixed" : "poll";
  if (toPoll.length > 0 || !subscribed)
    void runPoller(session, points, toPoll, {
      intervalMs: config.acquisition.pollIntervalMs,
      batchSize: limits.maxNodesPerRead,
      signal,
      onRequest: () => health.counters.requests++,
      onHeartbeat: () => ctx.beat(),
      onError: (e) => health.recordError(toWeftError(e, "Read on", config.endpointUrl)),
      onValues: (indexes, values) => {
        const now = Date.now();
        indexes.forEach((i, k) => {
          const p = points[i];
          const dv = values[k];
          if (!p || !dv) return;
          const r = toReading(p, dv, config.timestamps, now);
          const db = p.deadbandType === "absolute" ? p.deadband : undefined;
          if (ctx.deadband.accept(p.id, db, r.value, r.quality)) outlet.push(r);
        });
      },
    });
  return { mode, subscriptions };
}
