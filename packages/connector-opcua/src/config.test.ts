import { describe, expect, it } from "vitest";
import { OpcuaConfig } from "./config.ts";

describe("OPC UA config", () => {
  it("fills defaults: security None, anonymous, subscriptions", () => {
    const c = OpcuaConfig.parse({
      endpointUrl: "opc.tcp://press-1:4841",
      points: [{ id: "speed", nodeId: "ns=1;s=Press1.Speed" }],
    });
    expect(c.security).toEqual({ mode: "None", policy: "None" });
    expect(c.identity).toEqual({ type: "anonymous" });
    expect(c.acquisition.mode).toBe("auto");
    expect(c.points[0]).toMatchObject({ queueSize: 1, discardOldest: true, deadbandType: "absolute" });
  });

  it("defaults the policy to Basic256Sha256 for signed modes", () => {
    expect(
      OpcuaConfig.parse({ endpointUrl: "opc.tcp://h:1", security: { mode: "Sign" } }).security.policy,
    ).toBe("Basic256Sha256");
  });

  it.each([
    ["opc.tcp://10.0.0.5:4840", true],
    ["opc.tcp://[::1]:4840/UA/Server", true],
    ["opc.tcp://host", true],
    ["opc.tcp://host:0", false],
    ["opc.tcp://host:70000", false],
    ["http://host:4840", false],
    ["opc.tcp:/host", false],
  ])("endpoint %s valid=%s", (url, ok) => {
    expect(OpcuaConfig.safeParse({ endpointUrl: url }).success).toBe(ok);
  });

  it("accepts every nodeId form and rejects garbage and duplicate ids", () => {
    for (const nodeId of [
      "i=2258",
      "ns=1;s=Press1.Speed",
      "ns=2;g=09087e75-8e5e-499b-954f-f2a9603db28a",
      "ns=3;b=AQID",
      "ns=1;i=5",
    ])
      expect(
        OpcuaConfig.safeParse({ endpointUrl: "opc.tcp://h:1", points: [{ id: "a", nodeId }] }).success,
        nodeId,
      ).toBe(true);
    expect(
      OpcuaConfig.safeParse({ endpointUrl: "opc.tcp://h:1", points: [{ id: "a", nodeId: "Press1.Speed" }] })
        .success,
    ).toBe(false);
    const dup = OpcuaConfig.safeParse({
      endpointUrl: "opc.tcp://h:1",
      points: [
        { id: "a", nodeId: "i=1" },
        { id: "a", nodeId: "i=2" },
      ],
    });
    expect(dup.success).toBe(false);
    expect(dup.error?.issues[0]?.path).toEqual(["points", 1, "id"]);
  });
});
