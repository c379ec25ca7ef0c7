import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * A fake boiler controller serving its status as JSON on a free port. `kill()` drops
 * every connection and stops listening; `restart()` listens again on the same port.
 */
export interface BoilerDevice {
  url: string;
  port: number;
  state: {
    mode: "firing" | "standby" | "fault";
    steamPressureBar: number;
    burnerStarts: number;
    energyKwh: number;
    faultCode: number;
  };
  kill(): Promise<void>;
  restart(): Promise<void>;
  close(): Promise<void>;
  connections(): number;
}

export async function startBoiler(port = 0): Promise<BoilerDevice> {
  const state: BoilerDevice["state"] = {
    mode: "firing",
    steamPressureBar: 8.2,
    burnerStarts: 10,
    energyKwh: 1000,
    faultCode: 0,
  };
  const sockets = new Set<Socket>();
  const make = () => {
    const s = http.createServer((_req, res) => {
      state.energyKwh += 0.01;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          ts: new Date().toISOString(),
          boiler: { ...state, burners: [{ on: state.mode === "firing" }] },
        }),
      );
    });
    s.on("connection", (c) => {
      sockets.add(c);
      c.on("close", () => sockets.delete(c));
    });
    return s;
  };
  let server = make();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const actual = (server.address() as AddressInfo).port;
  const closeServer = () =>
    new Promise<void>((r) => {
      server.close(() => r());
      for (const c of sockets) c.destroy();
    });
  return {
    url: `http://127.0.0.1:${actual}/status.json`,
    port: actual,
    state,
    kill: closeServer,
    restart: async () => {
      server = make();
      await new Promise<void>((r) => server.listen(actual, "127.0.0.1", r));
    },
    close: closeServer,
    connections: () => sockets.size,
  };
}
