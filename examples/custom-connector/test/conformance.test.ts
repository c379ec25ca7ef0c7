import { runConnectorConformance } from "@weft/connector-sdk/testing";
import httpJson from "../src/index.ts";
import { startBoiler } from "./boiler-device.ts";

const points = [
  { id: "mode", path: "boiler.mode", type: "string" },
  { id: "pressure", path: "boiler.steamPressureBar", type: "number", unit: "bar" },
  { id: "burner1", path: "boiler.burners[0].on", type: "boolean" },
];

runConnectorConformance(httpJson, {
  startDevice: async () => {
    const dev = await startBoiler();
    return {
      config: {
        url: dev.url,
        intervalMs: 100,
        timeoutMs: 300,
        reconnect: { initialMs: 50, maxMs: 200 },
        points,
      },
      kill: dev.kill,
      restart: dev.restart,
      close: dev.close,
      connections: dev.connections,
    };
  },
  pointIds: points.map((p) => p.id),
  invalidConfigs: [
    { name: "not a URL", config: { url: "boiler", points }, field: "url" },
    {
      name: "bad path",
      config: { url: "http://x/", points: [{ id: "a", path: "a..b" }] },
      field: "points[0].path",
    },
    { name: "interval too short", config: { url: "http://x/", intervalMs: 1, points }, field: "intervalMs" },
  ],
});
