/**
 * Subscription sharding plan (pure). Items go into as few subscriptions as the
 * server's limits allow:
 * - at most `maxItemsPerSubscription` monitored items per subscription;
 * - the notifications one publish may carry (`maxNotificationsPerPublish`) must hold
 *   what the items can produce per publishing interval, so no notification waits
 *   for a second Publish round trip (and no queue overflows while it waits).
 * Items keep their order; each subscription is split into create calls of at most
 * `maxItemsPerCall`.
 */
export interface PlanItem {
  /** Index into the caller's item list. */
  index: number;
  samplingIntervalMs: number;
  queueSize: number;
}

export interface ShardLimits {
  maxItemsPerSubscription: number;
  /** 0 or Infinity: unlimited. */
  maxNotificationsPerPublish: number;
  publishingIntervalMs: number;
  maxItemsPerCall: number;
}

export interface Shard {
  /** Item indexes, in order. */
  items: number[];
  /** Worst-case notifications per publish for this shard. */
  notificationsPerPublish: number;
  /** `items` split into CreateMonitoredItems calls. */
  calls: number[][];
}

/** Notifications one item can produce per publishing interval (bounded by its queue). */
export function notificationsPerPublish(
  item: Pick<PlanItem, "samplingIntervalMs" | "queueSize">,
  publishingIntervalMs: number,
): number {
  const perInterval =
    item.samplingIntervalMs > 0
      ? Math.ceil(publishingIntervalMs / item.samplingIntervalMs)
      : Number.POSITIVE_INFINITY;
  return Math.max(1, Math.min(item.queueSize, perInterval));
}

/**
 * @example planShards(items, { maxItemsPerSubscription: 1000, maxNotificationsPerPublish: 0, publishingIntervalMs: 1000, maxItemsPerCall: 500 })
 */
export function planShards(items: readonly PlanItem[], limits: ShardLimits): Shard[] {
  const maxItems = Math.max(1, Math.floor(limits.maxItemsPerSubscription));
  const maxNotif =
    limits.maxNotificationsPerPublish > 0 && Number.isFinite(limits.maxNotificationsPerPublish)
      ? limits.maxNotificationsPerPublish
      : Number.POSITIVE_INFINITY;
  const perCall = Math.max(1, Math.floor(limits.maxItemsPerCall));
  const shards: Shard[] = [];
  let current: Shard | undefined;
  for (const item of items) {
    // an item heavier than the whole budget still gets a subscription of its own
    const weight = Math.min(notificationsPerPublish(item, limits.publishingIntervalMs), maxNotif);
    if (!current || current.items.length >= maxItems || current.notificationsPerPublish + weight > maxNotif) {
      current = { items: [], notificationsPerPublish: 0, calls: [] };
      shards.push(current);
    }
    current.items.push(item.index);
    current.notificationsPerPublish += weight;
  }
  for (const shard of shards) {
    for (let i = 0; i < shard.items.length; i += perCall) shard.calls.push(shard.items.slice(i, i + perCall));
  }
  return shards;
}
