import {
  AttributeIds,
  type ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  type DataValue,
  DeadbandType,
  type NotificationMessage,
  StatusCodes,
  TimestampsToReturn,
} from "node-opcua";
import type { OpcuaPoint } from "../config.ts";
import { type PlanItem, planShards, type Shard } from "../subscription.ts";
import { toWeftError } from "./errors.ts";

export interface MonitorLimits {
  maxItemsPerSubscription: number;
  maxNotificationsPerPublish: number;
  maxItemsPerCall: number;
}

export interface MonitorHandlers {
  onValue(index: number, dv: DataValue): void;
  /** Items the server refused (e.g. BadNodeIdUnknown): reported once as bad readings. */
  onItemError(index: number, status: string): void;
  onHeartbeat(): void;
  /** Notification messages skipped in a subscription's sequence (values possibly missed). */
  onSequenceGap(missing: number): void;
}

export interface MonitorResult {
  subscriptions: ClientSubscription[];
  /** Items that could not be placed in any subscription (poll them, or report them bad). */
  unplaced: number[];
  unplacedStatus?: string;
  shards: number;
}

const HEARTBEAT_NODE = "i=2258"; // Server_ServerStatus_CurrentTime
/** Plan index of the heartbeat item. */
const HEARTBEAT = -1;

/**
 * Create subscriptions for `points` following the sharding plan. When the server
 * answers BadTooManyMonitoredItems for part of a subscription, the limit is
 * learnt from what it accepted and the rest is re-planned into more subscriptions.
 */
export async function createMonitoring(
  session: ClientSession,
  points: readonly OpcuaPoint[],
  opts: {
    publishingIntervalMs: number;
    samplingIntervalMs: number;
    heartbeatIntervalMs: number;
    limits: MonitorLimits;
  },
  handlers: MonitorHandlers,
): Promise<MonitorResult> {
  const subscriptions: ClientSubscription[] = [];
  let pending = points.map((_, index) => index);
  let limits = opts.limits;
  let shardCount = 0;
  for (let round = 0; round < 8 && pending.length > 0; round++) {
    const items: PlanItem[] = pending.map((index) => ({
      index,
      samplingIntervalMs: points[index]?.samplingIntervalMs ?? opts.samplingIntervalMs,
      queueSize: points[index]?.queueSize ?? 1,
    }));
    // the heartbeat takes a slot of the first subscription like any item
    if (round === 0)
      items.unshift({ index: HEARTBEAT, samplingIntervalMs: opts.heartbeatIntervalMs, queueSize: 1 });
    const plan = planShards(items, {
      maxItemsPerSubscription: limits.maxItemsPerSubscription,
      maxNotificationsPerPublish: limits.maxNotificationsPerPublish,
      publishingIntervalMs: opts.publishingIntervalMs,
      maxItemsPerCall: limits.maxItemsPerCall,
    });
    const rejected: number[] = [];
    let accepted = Number.POSITIVE_INFINITY;
    for (const [s, shard] of plan.entries()) {
      let sub: ClientSubscription;
      try {
        sub = await session.createSubscription2({
          requestedPublishingInterval: opts.publishingIntervalMs,
          requestedLifetimeCount: 120,
          requestedMaxKeepAliveCount: 10,
          maxNotificationsPerPublish: Number.isFinite(limits.maxNotificationsPerPublish)
            ? limits.maxNotificationsPerPublish
            : 0,
          publishingEnabled: true,
          priority: 1,
        });
      } catch (e) {
        const rest = plan
          .slice(s)
          .flatMap((sh) => sh.items)
          .filter((i) => i !== HEARTBEAT);
        return {
          subscriptions,
          unplaced: [...rejected, ...rest],
          unplacedStatus: toWeftError(e, "CreateSubscription on", "").details?.status as string,
          shards: shardCount,
        };
      }
      shardCount++;
      subscriptions.push(sub);
      trackSequence(sub, handlers.onSequenceGap);
      if (shard.items.includes(HEARTBEAT))
        await monitorHeartbeat(sub, opts.heartbeatIntervalMs, handlers.onHeartbeat);
      const refused = await monitorShard(sub, shard, points, opts.samplingIntervalMs, handlers);
      if (refused.length > 0) {
        accepted = Math.min(accepted, shard.items.length - refused.length);
        rejected.push(...refused);
      }
    }
    pending = rejected;
    if (rejected.length === 0) break;
    if (accepted <= 0)
      return {
        subscriptions,
        unplaced: rejected,
        unplacedStatus: "BadTooManyMonitoredItems",
        shards: shardCount,
      };
    limits = { ...limits, maxItemsPerSubscription: accepted };
  }
  return {
    subscriptions,
    unplaced: pending,
    ...(pending.length ? { unplacedStatus: "BadTooManyMonitoredItems" } : {}),
    shards: shardCount,
  };
}

function groupKey(p: OpcuaPoint | undefined, sampling: number): string {
  return `${p?.samplingIntervalMs ?? sampling}|${p?.queueSize ?? 1}|${p?.discardOldest ?? true}|${p?.deadband ?? 0}|${p?.deadbandType ?? "absolute"}`;
}

/** Returns the item indexes refused with BadTooManyMonitoredItems. */
async function monitorShard(
  sub: ClientSubscription,
  shard: Shard,
  points: readonly OpcuaPoint[],
  sampling: number,
  handlers: MonitorHandlers,
): Promise<number[]> {
  const tooMany: number[] = [];
  for (const call of shard.calls) {
    const groups = new Map<string, number[]>();
    for (const index of call) {
      if (index === HEARTBEAT) continue;
      const key = groupKey(points[index], sampling);
      const list = groups.get(key) ?? [];
      list.push(index);
      groups.set(key, list);
    }
    for (const indexes of groups.values()) {
      const first = points[indexes[0] ?? 0];
      const filter =
        first?.deadband && first.deadband > 0
          ? new DataChangeFilter({
              trigger: DataChangeTrigger.StatusValue,
              deadbandType: first.deadbandType === "percent" ? DeadbandType.Percent : DeadbandType.Absolute,
              deadbandValue: first.deadband,
            })
          : null;
      const group: ClientMonitoredItemGroup = await sub.monitorItems(
        indexes.map((i) => ({ nodeId: points[i]?.nodeId ?? "", attributeId: AttributeIds.Value })),
        {
          samplingInterval: first?.samplingIntervalMs ?? sampling,
          queueSize: first?.queueSize ?? 1,
          discardOldest: first?.discardOldest ?? true,
          filter,
        },
        TimestampsToReturn.Both,
      );
      group.on("changed", (_item, dv, i) => {
        const index = indexes[i];
        if (index !== undefined) handlers.onValue(index, dv);
      });
      group.monitoredItems.forEach((item, i) => {
        const index = indexes[i];
        if (index === undefined) return;
        const sc = item.statusCode;
        if (sc.value === StatusCodes.BadTooManyMonitoredItems.value) tooMany.push(index);
        else if (sc.isNotGood()) handlers.onItemError(index, sc.name);
      });
    }
  }
  return tooMany;
}

async function monitorHeartbeat(
  sub: ClientSubscription,
  intervalMs: number,
  beat: () => void,
): Promise<void> {
  const item = await sub.monitor(
    { nodeId: HEARTBEAT_NODE, attributeId: AttributeIds.Value },
    { samplingInterval: intervalMs, queueSize: 1, discardOldest: true },
    TimestampsToReturn.Neither,
  );
  item.on("changed", beat);
}

function trackSequence(sub: ClientSubscription, onGap: (missing: number) => void): void {
  let last = 0;
  sub.on("raw_notification", (msg: NotificationMessage) => {
    const seq = msg.sequenceNumber;
    if (!msg.notificationData || msg.notificationData.length === 0) return; // keep-alive: no number consumed
    if (last > 0 && seq > last + 1) onGap(seq - last - 1);
    if (seq > last || seq <= 1) last = seq;
  });
}
