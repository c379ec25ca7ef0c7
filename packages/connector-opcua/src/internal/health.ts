import type { ConnectorState, ConnectorStatus } from "@weft/connector-sdk";
import type { WeftError } from "@weft/core";
import type { OpcuaConfig } from "../config.ts";
import { GapTracker } from "./gaps.ts";

/**
 * The connector's condition as `status()` reports it: lifecycle state, counters, the last
 * error and the data possibly missed. One instance is shared by the parts that change it.
 */
export class ConnectorHealth {
  state: ConnectorState = "idle";
  readonly counters = { readings: 0, badReadings: 0, requests: 0, errors: 0, reconnects: 0 };
  sequenceGaps = 0;
  lastError: ConnectorStatus["lastError"];
  readonly outages: GapTracker;

  constructor(config: Pick<OpcuaConfig, "points" | "acquisition">) {
    this.outages = new GapTracker(config);
  }

  recordError(err: WeftError): void {
    this.counters.errors++;
    this.lastError = { code: err.code, message: err.message, at: Date.now() };
  }
}
