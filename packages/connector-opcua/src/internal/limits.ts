import { type ClientSession, readServerCapabilities } from "node-opcua";
import type { OpcuaConfig } from "../config.ts";
import type { MonitorLimits } from "./monitor.ts";

export interface ServerLimits extends MonitorLimits {
  maxNodesPerRead: number;
}

const positive = (n: unknown): number | undefined =>
  typeof n === "number" && n > 0 && Number.isFinite(n) ? n : undefined;

/**
 * The server's limits (ServerCapabilities and OperationLimits), lowered by the
 * config's overrides. Unknown limits fall back to conservative defaults.
 */
export async function readLimits(session: ClientSession, config: OpcuaConfig): Promise<ServerLimits> {
  let caps: Awaited<ReturnType<typeof readServerCapabilities>> | undefined;
  try {
    caps = await readServerCapabilities(session);
  } catch {
    caps = undefined;
  }
  const a = config.acquisition;
  const min = (...xs: (number | undefined)[]) => Math.min(...xs.filter((x): x is number => x !== undefined));
  return {
    maxItemsPerSubscription: min(
      positive(caps?.maxMonitoredItemsPerSubscription),
      a.maxMonitoredItemsPerSubscription,
      10_000,
    ),
    maxNotificationsPerPublish: a.maxNotificationsPerPublish ?? Number.POSITIVE_INFINITY,
    maxItemsPerCall: min(positive(caps?.operationLimits?.maxMonitoredItemsPerCall), 1000),
    maxNodesPerRead: min(positive(caps?.operationLimits?.maxNodesPerRead), a.maxNodesPerRead, 1000),
  };
}
