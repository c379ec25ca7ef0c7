import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientOf, normalizeAddress, parseTrustProxy } from "./proxy.ts";

function req(peer: string, headers: Record<string, string> = {}): IncomingMessage {
  return { socket: { remoteAddress: peer }, headers } as unknown as IncomingMessage;
}

describe("trusted proxies", () => {
  it("ignores X-Forwarded-For and -Proto without a trusted proxy", () => {
    const r = req("203.0.113.5", { "x-forwarded-for": "1.2.3.4", "x-forwarded-proto": "https" });
    expect(clientOf(r, parseTrustProxy(undefined))).toEqual({ ip: "203.0.113.5", secure: false });
  });

  it("walks back through trusted hops to the first untrusted one", () => {
    const trust = parseTrustProxy("10.0.0.0/8, loopback");
    // client claims 9.9.9.9; real client 198.51.100.1; two internal proxies appended after it.
    const r = req("127.0.0.1", { "x-forwarded-for": "9.9.9.9, 198.51.100.1, 10.1.2.3" });
    expect(clientOf(r, trust).ip).toBe("198.51.100.1");
    // A peer that is not a trusted proxy is the client, whatever it writes.
    expect(clientOf(req("198.51.100.9", { "x-forwarded-for": "10.0.0.1" }), trust).ip).toBe("198.51.100.9");
  });

  it("counts hops from the nearest proxy", () => {
    const r = req("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.1, 10.0.0.1" });
    expect(clientOf(r, parseTrustProxy("1")).ip).toBe("10.0.0.1");
    expect(clientOf(r, parseTrustProxy("2")).ip).toBe("198.51.100.1");
    // More hops than entries: the leftmost entry, never beyond it.
    expect(clientOf(r, parseTrustProxy("9")).ip).toBe("6.6.6.6");
  });

  it("believes X-Forwarded-Proto only from a trusted proxy", () => {
    const trust = parseTrustProxy("127.0.0.1");
    expect(clientOf(req("127.0.0.1", { "x-forwarded-proto": "https" }), trust).secure).toBe(true);
    expect(clientOf(req("127.0.0.1", { "x-forwarded-proto": "http" }), trust).secure).toBe(false);
    expect(clientOf(req("127.0.0.2", { "x-forwarded-proto": "https" }), trust).secure).toBe(false);
  });

  it("matches IPv4 peers on dual-stack sockets and IPv6 ranges", () => {
    expect(normalizeAddress("::ffff:10.0.0.7")).toBe("10.0.0.7");
    const trust = parseTrustProxy("10.0.0.0/8,fd00::/8");
    expect(clientOf(req("::ffff:10.0.0.7", { "x-forwarded-for": "203.0.113.1" }), trust).ip).toBe(
      "203.0.113.1",
    );
    expect(clientOf(req("fd12::1", { "x-forwarded-for": "2001:db8::5" }), trust).ip).toBe("2001:db8::5");
  });

  it("falls back to the proxy's address when the client entry is not an address", () => {
    const r = req("127.0.0.1", { "x-forwarded-for": "not-an-ip" });
    expect(clientOf(r, parseTrustProxy("loopback")).ip).toBe("127.0.0.1");
  });

  it("names the bad entry of a setting it cannot read", () => {
    expect(() => parseTrustProxy("10.0.0.0/40")).toThrow(/10\.0\.0\.0\/40/);
    expect(() => parseTrustProxy("lb.internal")).toThrow(/lb\.internal/);
    expect(() => parseTrustProxy("0")).toThrow(/hop count/);
    expect(parseTrustProxy("none").kind).toBe("none");
  });
});
