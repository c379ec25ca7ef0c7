import net from "node:net";
import { z } from "zod";
import {
  Backoff,
  type Connector,
  type ConnectorStartContext,
  type ConnectorStatus,
  defineConnector,
  sleep,
} from "../src/index.ts";

/**
 * A deliberately small connector for a line protocol ("READ\n" → `{"temp":21.5}\n`), used to
 * prove the conformance kit is protocol-agnostic. It is also the shape an integrator starts from.
 */
class LineConnector implements Connector {
  readonly kind = "line-json";
  private state: ConnectorStatus["state"] = "idle";
  private readonly counters = { readings: 0, badReadings: 0, requests: 0, errors: 0, reconnects: 0 };
  private lastError: ConnectorStatus["lastError"];
  private socket: net.Socket | undefined;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly config: { host: string; port: number; intervalMs: number; points: string[] },
  ) {}

  async start(ctx: ConnectorStartContext): Promise<void> {
    this.state = "connecting";
    ctx.signal.addEventListener("abort", () => void this.stop(), { once: true });
    this.loop = this.run(ctx);
  }

  private async run(ctx: ConnectorStartContext): Promise<void> {
    const backoff = new Backoff({ initialMs: 20, maxMs: 200 });
    let connectedOnce = false;
    while (!this.abort.signal.aborted) {
      try {
        const values = await this.poll();
        if (this.state !== "connected") {
          if (connectedOnce) this.counters.reconnects++;
          connectedOnce = true;
          this.state = "connected";
        }
        backoff.reset();
        const ts = Date.now();
        ctx.sink(
          this.config.points.map((p) => ({
            point: p,
            ts,
            value: values[p] ?? null,
            quality: "good" as const,
          })),
        );
        this.counters.readings += this.config.points.length;
        await sleep(this.config.intervalMs, this.abort.signal);
      } catch (e) {
        this.socket?.destroy();
        this.socket = undefined;
        if (this.abort.signal.aborted) break;
        this.counters.errors++;
        this.lastError = { code: "DEVICE_UNREACHABLE", message: String(e), at: Date.now() };
        if (connectedOnce) this.state = "reconnecting";
        const ts = Date.now();
        ctx.sink(
          this.config.points.map((p) => ({
            point: p,
            ts,
            value: null,
            quality: "bad" as const,
            status: "unreachable",
          })),
        );
        this.counters.badReadings += this.config.points.length;
        await sleep(backoff.next(), this.abort.signal);
      }
    }
  }

  private async poll(): Promise<Record<string, number>> {
    if (!this.socket) {
      const s = net.connect(this.config.port, this.config.host);
      await new Promise<void>((resolve, reject) => {
        s.once("connect", resolve);
        s.once("error", reject);
      });
      this.socket = s;
    }
    const s = this.socket;
    this.counters.requests++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error("timeout")), 500);
      const onData = (d: Buffer) => done(undefined, JSON.parse(d.toString()) as Record<string, number>);
      const onEnd = () => done(new Error("closed"));
      const done = (err?: Error, v?: Record<string, number>) => {
        clearTimeout(timer);
        s.off("data", onData).off("close", onEnd).off("error", onEnd);
        if (err || !v) reject(err ?? new Error("no data"));
        else resolve(v);
      };
      s.once("data", onData).once("close", onEnd).once("error", onEnd);
      s.write("READ\n");
    });
  }

  async stop(): Promise<void> {
    this.state = "stopped";
    this.abort.abort();
    this.socket?.destroy();
    await this.loop;
  }

  status(): ConnectorStatus {
    return {
      state: this.state,
      counters: { ...this.counters },
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }
}

export const lineJson = defineConnector({
  kind: "line-json",
  configSchema: z.object({
    host: z.string(),
    port: z.number().int().min(1).max(65535),
    intervalMs: z.number().int().positive().default(50),
    points: z.array(z.string().min(1)).min(1),
  }),
  create: (config) => new LineConnector(config),
});

/** The device: answers every line with the current values. */
export async function startLineDevice(
  port = 0,
): Promise<{ port: number; kill(): Promise<void>; connections(): number }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    s.on("data", () => s.write(`${JSON.stringify({ temp: 21.5, rpm: 1200 })}\n`));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const addr = server.address();
  return {
    port: typeof addr === "object" && addr ? addr.port : port,
    connections: () => sockets.size,
    kill: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
