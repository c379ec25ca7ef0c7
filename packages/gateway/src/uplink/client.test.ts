import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { BrainCallError, classifyAnswer, createBrainClient } from "./client.ts";

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

const batch = (seq: number) =>
  JSON.stringify({
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
    expect(err).toBeInstanceOf(BrainCallError);
    expect((err as BrainCallError).failure).toMatchObject({ kind: "transient", status: 0 });
  });
});

describe("classifyAnswer: retry only what can succeed", () => {
  const body = (code: string, weftCode: string | null = null, extra: object = {}) => ({
    error: { message: `${code} says no`, data: { code, weftCode, ...extra } },
  });
  it.each([
    [503, "5", body("SERVICE_UNAVAILABLE", "UNAVAILABLE"), "transient", 5000],
    [500, null, body("INTERNAL_SERVER_ERROR"), "transient", null],
    [502, null, null, "transient", null],
    [429, "30", body("TOO_MANY_REQUESTS", "RATE_LIMITED"), "transient", 30_000],
    [408, null, body("TIMEOUT"), "transient", null],
    [401, null, body("UNAUTHORIZED"), "unauthorized", null],
    [403, null, body("FORBIDDEN", "FORBIDDEN", { fields: [{ field: "gatewayId" }] }), "unauthorized", null],
    [
      403,
      null,
      body("FORBIDDEN", "FORBIDDEN", { fields: [{ field: "readings.machine" }] }),
      "rejected",
      null,
    ],
    [400, null, body("BAD_REQUEST", "VALIDATION_FAILED"), "rejected", null],
    [413, null, body("PAYLOAD_TOO_LARGE"), "rejected", null],
  ] as const)("HTTP %i (Retry-After %s) → %s", (status, retryAfter, b, kind, retryAfterMs) => {
    const f = classifyAnswer(status, retryAfter, b);
    expect(f.kind).toBe(kind);
    expect(f.retryAfterMs).toBe(retryAfterMs);
    expect(f.tooLarge).toBe(status === 413);
  });

  it("a seq conflict carries the clashing seq and the brain's last seq", () => {
    const f = classifyAnswer(
      409,
      null,
      body("CONFLICT", "SEQ_CONFLICT", { details: { seq: 12, lastSeq: 40 } }),
    );
    expect(f).toMatchObject({ kind: "conflict", conflict: { seq: 12, lastSeq: 40 } });
    expect(classifyAnswer(409, null, body("CONFLICT", "CONFLICT")).kind).toBe("rejected");
  });
});
