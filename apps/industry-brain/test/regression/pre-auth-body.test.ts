import { request } from "node:http";
import { gzipSync } from "node:zlib";
import { describeEachDb } from "@weft/db/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { errorOf, startTestBrain, type TestBrain } from "../harness.ts";

/*
 * Issue 12, case 5. Any /trpc body was gunzipped (up to 64 MiB) and buffered before the caller was
 * authenticated. Now the caller is known from the headers first, and each kind of caller has its
 * own limit; over it, a 413 with a tRPC-shaped error, compressed or not, never a reset.
 */
/**
 * The status of a POST whose body is never finished (one small chunk is sent): "no answer" when
 * the server waits for the body, as one that reads before authenticating does.
 */
function answerBeforeBody(path: string, headers: Record<string, string>): Promise<number | "no answer"> {
  return new Promise((resolve) => {
    const req = request(`${url}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
    });
    const timer = setTimeout(() => {
      resolve("no answer");
      req.destroy();
    }, 3_000);
    req.on("response", (res) => {
      clearTimeout(timer);
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    req.on("error", () => {});
    req.write("x".repeat(1024));
  });
}
let url = "";

type ErrorBody = { error?: { message?: string; data?: { code?: string; httpStatus?: number } } };

describeEachDb("regression: bodies read before authentication", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { limits: { body: { gateway: 256 * 1024 } } } as never);
    url = t.url;
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (path: string, body: Uint8Array | string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  const bigLogin = (bytes: number) => JSON.stringify({ email: "a@b.cd", password: "x".repeat(bytes) });

  it("answers an anonymous 1 MiB body with 413 before reading it", async () => {
    const r = await post("auth.login", bigLogin(1024 * 1024));
    expect(r.status).toBe(413);
    const body = (await r.json()) as ErrorBody;
    expect(body.error?.data?.code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.error?.data?.httpStatus).toBe(413);
  });

  it("does not inflate an anonymous gzip body past the anonymous limit", async () => {
    const zipped = gzipSync(bigLogin(512 * 1024));
    expect(zipped.length).toBeLessThan(4096);
    const r = await post("auth.login", zipped, { "content-encoding": "gzip" });
    expect(r.status).toBe(413);
    expect(((await r.json()) as ErrorBody).error?.message).toMatch(/inflated/);
  });

  it("answers a chunked body without Content-Length with a clear 413, not a reset", async () => {
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        `${t.url}/trpc/auth.login`,
        { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
        (res) => {
          let text = "";
          res.on("data", (c) => {
            text += c;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 32; i++) req.write(chunk);
      req.end();
    });
    expect(status).toBe(413);
    expect(JSON.parse(text).error.data.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers before reading the body: 401 for an unknown API key, 413 for a declared oversize", async () => {
    const key = "Bearer wft_0000000000_nope-nope-nope-nope-nope-nope-nope-no";
    expect(
      await answerBeforeBody("ingest.push", { authorization: key, "transfer-encoding": "chunked" }),
    ).toBe(401);
    expect(await answerBeforeBody("auth.login", { "content-length": String(10 * 1024 * 1024) })).toBe(413);
  });

  it("gives a gateway's oversized batch a permanent 413 (plain or gzip), which tRPC clients read", async () => {
    const readings = Array.from({ length: 4000 }, (_, i) => ({
      machine: "press-01",
      point: `p${i}`,
      ts: Date.now() - 60_000,
      value: i,
      quality: "good" as const,
    }));
    const batch = { gatewayId: "gw-caihong-print", seq: 1, readings };
    const err = await errorOf(t.gateway("caihong-print").ingest.push.mutate(batch));
    expect(err.data?.code).toBe("PAYLOAD_TOO_LARGE");
    expect(err.data?.httpStatus).toBe(413);
    const zipped = gzipSync(JSON.stringify(batch));
    expect(zipped.length).toBeLessThan(256 * 1024);
    const r = await post("ingest.push", zipped, {
      "content-encoding": "gzip",
      authorization: `Bearer ${t.apiKey("caihong-print")}`,
    });
    expect(r.status).toBe(413);
  });
});
