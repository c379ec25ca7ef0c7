import * as http from "node:http";
import * as https from "node:https";
import {
  Backoff,
  type ConnectorLogger,
  type ConnectorStartContext,
  type ConnectorStatus,
  type ReadableConnector,
} from "@weft/connector-sdk";
import type { Reading, ReadingSink } from "@weft/core";
import type { HttpJsonConfig } from "./config.ts";
import { extractPoint, getPath } from "./extract.ts";

/**
 * Polls a JSON document over HTTP and turns configured paths into readings. A failed
 * request marks every point `bad` (with the reason in `status`) and retries with backoff;
 * the first success after failures counts as a reconnect.
 */
export class HttpJsonConnector implements ReadableConnector {
  readonly kind = "http-json";
  private state: ConnectorStatus["state"] = "idle";
  private readonly counters = { readings: 0, badReadings: 0, requests: 0, errors: 0, reconnects: 0 };
  private lastError: ConnectorStatus["lastError"];
  private connectedSince: number | undefined;
  private timer: NodeJS.Timeout | null = null;
  private agent: http.Agent | null = null;
  private sink: ReadingSink = () => {};
  private logger: ConnectorLogger | undefined;
  private readonly backoff: Backoff;
  private failing = false;
  private everConnected = false;

  constructor(private readonly config: HttpJsonConfig) {
    this.backoff = new Backoff({ initialMs: config.reconnect.initialMs, maxMs: config.reconnect.maxMs });
  }

  async start(ctx: ConnectorStartContext): Promise<void> {
    if (this.state !== "idle" && this.state !== "stopped") return;
    this.sink = ctx.sink;
    this.logger = ctx.logger;
    this.state = "connecting";
    this.agent = this.newAgent();
    ctx.signal.addEventListener("abort", () => void this.stop(), { once: true });
    this.schedule(0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.state = "stopped";
    this.agent?.destroy();
    this.agent = null;
  }

  status(): ConnectorStatus {
    return {
      state: this.state,
      counters: { ...this.counters },
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.connectedSince ? { connectedSince: this.connectedSince } : {}),
    };
  }

  /** One request, one reading per point, without starting the poll loop. */
  async readOnce(): Promise<Reading[]> {
    const agent = this.agent ?? this.newAgent();
    try {
      return await this.poll(agent);
    } finally {
      if (agent !== this.agent) agent.destroy();
    }
  }

  /** Re-read after an await: `stop()` may have run meanwhile. */
  private stopped(): boolean {
    return this.state === "stopped";
  }

  private newAgent(): http.Agent {
    const Agent = this.config.url.startsWith("https:") ? https.Agent : http.Agent;
    return new Agent({ keepAlive: true, maxSockets: 1 });
  }

  private schedule(ms: number): void {
    if (this.state === "stopped") return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const agent = this.agent;
    if (!agent || this.state === "stopped") return;
    const readings = await this.poll(agent);
    if (this.stopped()) return;
    this.counters.readings += readings.length;
    this.counters.badReadings += readings.filter((r) => r.quality === "bad").length;
    this.sink(readings);
    this.schedule(this.failing ? this.backoff.next() : this.config.intervalMs);
  }

  private async poll(agent: http.Agent): Promise<Reading[]> {
    const now = Date.now();
    this.counters.requests++;
    try {
      const doc = await this.fetchJson(agent);
      this.onSuccess(now);
      const ts = sourceTs(doc, this.config.timestampPath) ?? now;
      return this.config.points.map((p) => ({ point: p.id, ts, ...extractPoint(doc, p) }));
    } catch (e) {
      this.onFailure(e, now);
      const status = `http-json: ${(e as Error).message}`.slice(0, 200);
      return this.config.points.map((p) => ({
        point: p.id,
        ts: now,
        value: null,
        quality: "bad" as const,
        status,
      }));
    }
  }

  private onSuccess(now: number): void {
    if (this.failing && this.everConnected) this.counters.reconnects++;
    if (this.state !== "connected") this.connectedSince = now;
    this.failing = false;
    this.everConnected = true;
    this.backoff.reset();
    if (this.state !== "stopped") this.state = "connected";
  }

  private onFailure(e: unknown, now: number): void {
    this.counters.errors++;
    this.lastError = {
      code: (e as { code?: string }).code ?? "HTTP_ERROR",
      message: String((e as Error).message),
      at: now,
    };
    if (!this.failing)
      this.logger?.warn({ url: this.config.url, err: this.lastError.message }, "device not answering");
    this.failing = true;
    if (this.state !== "stopped") this.state = this.everConnected ? "reconnecting" : "connecting";
  }

  private fetchJson(agent: http.Agent): Promise<unknown> {
    const get = this.config.url.startsWith("https:") ? https.get : http.get;
    return new Promise((resolve, reject) => {
      const req = get(
        this.config.url,
        {
          agent,
          headers: { accept: "application/json", ...this.config.headers },
          timeout: this.config.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            if ((res.statusCode ?? 0) >= 400)
              return reject(
                Object.assign(new Error(`HTTP ${res.statusCode}`), { code: `HTTP_${res.statusCode}` }),
              );
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
            } catch {
              reject(Object.assign(new Error("response is not JSON"), { code: "BAD_JSON" }));
            }
          });
        },
      );
      req.on("timeout", () =>
        req.destroy(
          Object.assign(new Error(`no answer within ${this.config.timeoutMs} ms`), { code: "TIMEOUT" }),
        ),
      );
      req.on("error", reject);
    });
  }
}

function sourceTs(doc: unknown, path: string | undefined): number | null {
  if (!path) return null;
  const v = getPath(doc, path);
  const ms = typeof v === "number" ? v : typeof v === "string" ? Date.parse(v) : Number.NaN;
  return Number.isFinite(ms) && ms > 0 ? Math.trunc(ms) : null;
}
