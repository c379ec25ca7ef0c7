import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { classifyFailure, createBrainClient } from "./client.ts";

/** A stand-in for the brain's HTTP handler speaking tRPC's JSON wire format, optionally gzip-aware. */
async function fakeBrain(
  acceptGzip: boolean,
): Promise<{ url: string; server: Server; seen: { encoding?: string; seq: number; auth?: string }[] }> {
  const seen: { encoding?: string; seq: number; auth?: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const gz = req.headers["content-encoding"] === "gzip";
      try {
        const body = JSON.parse((gz && acceptGzip ? gunzipSync(raw) : raw).toString("utf8")) as {
          seq: number;
        };
        seen.push({
          encoding: req.headers["content-encoding"],
          seq: body.seq,
          auth: req.headers.authorization,
        });
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            result: { data: { accepted: 1, duplicate: false, rejected: [], registered: [] } },
          }),
        );
      } catch {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: {
              message: "Unexpected token",
              code: -32700,
              data: { code: "PARSE_ERROR", httpStatus: 400 },
            },
          }),
        );
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`, server, seen };
}

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const batch = (seq: number) => ({
  gatewayId: "g",
  seq,
  readings: Array.from({ length: 200 }, (_, i) => ({
    machine: "m",
    point: `p${i}`,
    ts: 1_700_000_000_000 + i,
    value: i,
    quality: "good" as const,
  })),
});

describe("brain client", () => {
  it("gzips bodies with the API key when the brain accepts Content-Encoding: gzip", async () => {
    const b = await fakeBrain(true);
    servers.push(b.server);
    const c = createBrainClient({ url: b.url, apiKey: "k1", compression: "gzip", timeoutMs: 5000 });
    expect(await c.push(batch(1))).toMatchObject({ accepted: 1, duplicate: false });
    expect(b.seen).toEqual([{ encoding: "gzip", seq: 1, auth: "Bearer k1" }]);
    expect(c.gzip).toBe(true);
    expect(c.bytes.wire).toBeLessThan(c.bytes.raw / 3);
  });

  it("falls back to plain JSON once, and says so, when the brain cannot parse gzip", async () => {
    const b = await fakeBrain(false);
    servers.push(b.server);
    let refused = 0;
    const c = createBrainClient({
      url: b.url,
      apiKey: "k",
      compression: "gzip",
      timeoutMs: 5000,
      onCompressionRefused: () => refused++,
    });
    await c.push(batch(1));
    await c.push(batch(2));
    expect(refused).toBe(1);
    expect(c.gzip).toBe(false);
    expect(b.seen.map((s) => [s.seq, s.encoding])).toEqual([
      [1, undefined],
      [2, undefined],
    ]);
  });

  it("classifies an unreachable brain as transient", async () => {
    const c = createBrainClient({
      url: "http://127.0.0.1:1/trpc",
      apiKey: "k",
      compression: "none",
      timeoutMs: 1000,
    });
    const err = await c.push(batch(1)).catch((e: unknown) => e);
    expect(classifyFailure(err).kind).toBe("transient");
  });
});
