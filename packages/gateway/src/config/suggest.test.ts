import { describe, expect, it } from "vitest";
import { GatewayConfig } from "./schema.ts";
import { knownKeys, nearestKey } from "./suggest.ts";

describe("key suggestions", () => {
  it("finds the key a typo meant, and nothing for an unrelated word", () => {
    expect(nearestKey("apikey", ["url", "apiKey", "compression"])).toBe("apiKey");
    expect(nearestKey("intervalMS", ["intervalMs", "timeoutMs"])).toBe("intervalMs");
    expect(nearestKey("maxBatchAgee", ["maxBatchAge", "maxBatchReadings"])).toBe("maxBatchAge");
    expect(nearestKey("fsnyc", ["fsync", "maxBytes"])).toBe("fsync");
    expect(nearestKey("colour", ["url", "apiKey"])).toBeUndefined();
  });

  it("knows the keys of every section of the gateway config", () => {
    expect(knownKeys(GatewayConfig, ["brain"])).toEqual(["url", "apiKey", "compression"]);
    expect(knownKeys(GatewayConfig, ["uplink"])).toContain("maxUploadReadings");
    expect(knownKeys(GatewayConfig, [])).toContain("devices");
    expect(knownKeys(GatewayConfig, ["health"])).toEqual(["host", "port"]);
  });
});
