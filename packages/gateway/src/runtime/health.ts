import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { formatMetrics, type GatewayStatus } from "./status.ts";

export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /health` (200 while the gateway runs and its buffer is writable, JSON summary),
 * `GET /metrics` (Prometheus text) and `GET /status` (the full status as JSON, used by
 * `weft-gateway status`).
 */
export async function startHealthServer(
  host: string,
  port: number,
  status: () => GatewayStatus,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const url = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405).end();
      return;
    }
    try {
      const s = status();
      if (url === "/metrics") {
        res
          .writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" })
          .end(formatMetrics(s));
      } else if (url === "/status") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(s));
      } else if (url === "/health") {
        const connected = s.devices.filter((d) => d.state === "connected").length;
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            status: "ok",
            gatewayId: s.gatewayId,
            devices: { connected, total: s.devices.length },
            brainConnected: s.uplink?.connected ?? false,
            pendingReadings: s.buffer.pendingReadings,
          }),
        );
      } else res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    } catch (e) {
      res
        .writeHead(500, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "error", error: String(e) }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  server.unref();
  const addr = server.address() as AddressInfo;
  const h = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    url: `http://${h}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
