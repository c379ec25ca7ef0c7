import { OPCUAClient } from "node-opcua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PRESS_VARIABLES, pressNodeId } from "./nodes.ts";
import { type PressServer, startPressServer } from "./server.ts";

describe("press OPC UA server", () => {
  let sim: PressServer;
  beforeAll(async () => {
    sim = await startPressServer({
      port: 0,
      hostname: "localhost",
      presses: 3,
      seed: 5,
      speed: 3600,
      counters: 10,
    });
  }, 60_000);
  afterAll(async () => {
    await sim?.close();
  });

  it("serves every documented variable of every press, matching the model", async () => {
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(sim.endpointUrl);
    const session = await client.createSession();
    try {
      for (const press of [0, 1, 2]) {
        const values = await session.read(
          PRESS_VARIABLES.map((v) => ({ nodeId: pressNodeId(press, v), attributeId: 13 })),
        );
        for (const [k, dv] of values.entries())
          expect(dv.statusCode.name, `${pressNodeId(press, PRESS_VARIABLES[k] ?? "Speed")}`).toBe("Good");
      }
      const job = await session.read({ nodeId: pressNodeId(2, "JobId"), attributeId: 13 });
      expect(job.value.value).toBe(sim.snapshot(2).jobId);
      const counter = await session.read({ nodeId: "ns=1;s=Counter.9", attributeId: 13 });
      expect(counter.statusCode.name).toBe("Good");
      const ns = await session.read({ nodeId: "i=2255", attributeId: 13 });
      expect((ns.value.value as string[])[1]).toBe("urn:weft:simulators:press");
    } finally {
      await session.close();
      await client.disconnect();
    }
  }, 60_000);

  it("presses of one line follow different histories; the time factor accelerates them", async () => {
    await new Promise((r) => setTimeout(r, 500));
    const [a, b] = [sim.snapshot(0), sim.snapshot(1)];
    expect(a.simSeconds).toBeGreaterThan(1000); // 3600× for > 0.5 s
    expect(a.energyKwh).not.toBe(b.energyKwh);
  });

  it("reducedNamespace0 leaves out the OperationLimits nodes, as open62541 does", async () => {
    const reduced = await startPressServer({ port: 0, hostname: "localhost", reducedNamespace0: true });
    const maxNodesPerRead = "i=11705"; // Server_ServerCapabilities_OperationLimits_MaxNodesPerRead
    const read = async (url: string) => {
      const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
      await client.connect(url);
      const session = await client.createSession();
      try {
        const [limit, speed] = await session.read([
          { nodeId: maxNodesPerRead, attributeId: 13 },
          { nodeId: pressNodeId(0, "Speed"), attributeId: 13 },
        ]);
        return [limit?.statusCode.name, speed?.statusCode.name];
      } finally {
        await session.close();
        await client.disconnect();
      }
    };
    try {
      expect(await read(reduced.endpointUrl)).toEqual(["BadNodeIdUnknown", "Good"]);
      expect(await read(sim.endpointUrl)).toEqual(["Good", "Good"]);
    } finally {
      await reduced.close();
    }
  }, 60_000);
});
