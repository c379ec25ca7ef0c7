import { runConnectorConformance } from "@weft/connector-sdk/testing";
import { loadRobotDeviceFile, type RobotCell, startRobotCell } from "@weft/simulators/robot";
import { modbus } from "../../src/index.ts";

const device = loadRobotDeviceFile();
const pointIds = (device.points as { id: string }[]).map((p) => p.id);

runConnectorConformance(modbus, {
  pointIds,
  async startDevice() {
    let cell: RobotCell = await startRobotCell({ port: 0, seed: 7, speed: 60 });
    const port = cell.port;
    return {
      config: {
        ...device,
        connection: { transport: "tcp", host: "127.0.0.1", port },
        intervalMs: 100,
        pollGroups: { slow: { intervalMs: 300 } },
        timeoutMs: 300,
        reconnect: { initialMs: 50, maxMs: 500 },
      },
      restart: async () => {
        cell = await startRobotCell({ port, seed: 7, speed: 60 });
      },
      kill: () => cell.kill(),
      connections: () => cell.connections(),
      close: () => cell.close(),
    };
  },
  invalidConfigs: [
    {
      name: "address past 65535",
      config: { ...device, points: [{ id: "x", area: "holding", address: 70000 }] },
      field: "points[0].address",
    },
    {
      name: "unknown type",
      config: { ...device, points: [{ id: "x", area: "input", address: 1, type: "float16" }] },
      field: "points[0].type",
    },
    { name: "missing connection", config: { points: device.points }, field: "connection" },
  ],
  write: { pointId: "program_number", value: 9 },
  timeoutMs: 4000,
});
