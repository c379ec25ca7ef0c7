import { join } from "node:path";
import type { ConformanceDevice } from "@weft/connector-sdk/testing";
import { runConnectorConformance } from "@weft/connector-sdk/testing";
import type { PressServer } from "@weft/simulators/press";
import { afterAll } from "vitest";
import { opcuaConnector } from "../../src/index.ts";
import { startSim, tempDir } from "./helpers.ts";

const dirs: Awaited<ReturnType<typeof tempDir>>[] = [];
afterAll(async () => {
  for (const d of dirs) await d.remove();
});

runConnectorConformance(opcuaConnector, {
  startDevice: async (): Promise<ConformanceDevice> => {
    const dir = await tempDir("weft-opcua-conformance-");
    dirs.push(dir);
    const serverPki = join(dir.path, "server");
    let sim: PressServer | undefined = await startSim({ pkiFolder: serverPki, counters: 3, speed: 600 });
    const port = sim.port;
    return {
      config: {
        endpointUrl: sim.endpointUrl,
        security: { mode: "SignAndEncrypt", policy: "Aes256_Sha256_RsaPss" },
        identity: { type: "username", username: "operator", password: "press" },
        pki: { folder: join(dir.path, "client"), acceptUnknownServerCertificate: true },
        heartbeatIntervalMs: 500,
        reconnect: { initialDelayMs: 200, maxDelayMs: 1000 },
        acquisition: { publishingIntervalMs: 250, samplingIntervalMs: 250 },
        points: [
          { id: "counter0", nodeId: "ns=1;s=Counter.0" },
          { id: "counter1", nodeId: "ns=1;s=Counter.1" },
          { id: "energy", nodeId: "ns=1;s=Press1.EnergyKwh" },
          { id: "target", nodeId: "ns=1;s=Press1.TargetSpeed" },
        ],
      },
      kill: async () => {
        await sim?.close();
        sim = undefined;
      },
      restart: async () => {
        sim = await startSim({ pkiFolder: serverPki, counters: 3, speed: 600, port });
      },
      close: async () => {
        await sim?.close();
      },
    };
  },
  pointIds: ["counter0", "counter1", "energy", "target"],
  invalidConfigs: [
    { name: "malformed endpoint URL", config: { endpointUrl: "localhost:4840" }, field: "endpointUrl" },
    {
      name: "unknown security policy",
      config: { endpointUrl: "opc.tcp://localhost:4840", security: { mode: "Sign", policy: "Basic128" } },
      field: "security.policy",
    },
    {
      name: "nodeId that does not parse",
      config: { endpointUrl: "opc.tcp://localhost:4840", points: [{ id: "x", nodeId: "ns=1;z=oops" }] },
      field: "points[0].nodeId",
    },
    {
      name: "negative sampling interval",
      config: {
        endpointUrl: "opc.tcp://localhost:4840",
        points: [{ id: "x", nodeId: "i=2258", samplingIntervalMs: -5 }],
      },
      field: "points[0].samplingIntervalMs",
    },
  ],
  write: { pointId: "target", value: 9000 },
  timeoutMs: 8000,
});
