import { runConnectorConformance } from "../src/testing/index.ts";
import { lineJson, startLineDevice } from "./toy-connector.ts";

// The kit run against a connector that is not Modbus, to keep it protocol-agnostic.
runConnectorConformance(lineJson, {
  pointIds: ["temp", "rpm"],
  async startDevice() {
    let dev = await startLineDevice();
    const port = dev.port;
    return {
      config: { host: "127.0.0.1", port, points: ["temp", "rpm"] },
      restart: async () => {
        dev = await startLineDevice(port);
      },
      kill: () => dev.kill(),
      close: () => dev.kill(),
      connections: () => dev.connections(),
    };
  },
  invalidConfigs: [
    { name: "port out of range", config: { host: "x", port: 70000, points: ["a"] }, field: "port" },
    { name: "no points", config: { host: "x", port: 1, points: [] }, field: "points" },
  ],
  timeoutMs: 3000,
});
