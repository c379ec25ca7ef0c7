import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * Which reverse proxies may say who the client is (`X-Forwarded-For`) and whether it came over
 * HTTPS (`X-Forwarded-Proto`). Without one, both headers are ignored: any client can write them.
 * - `none`: trust no proxy (default); the client is the TCP peer.
 * - `hops`: trust the nearest N proxies (e.g. 1 for one load balancer in front of the brain).
 * - `list`: trust peers in these addresses/CIDRs (`loopback` and `private` are shorthands).
 */
export type TrustProxy =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "list"; list: BlockList; text: string };

export const TRUST_NONE: TrustProxy = { kind: "none" };

const SHORTHANDS: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
};

/**
 * Parse `WEFT_TRUST_PROXY`: empty → none; a whole number → hops; else a comma-separated list of
 * addresses and CIDRs. Throws a readable error naming the bad entry.
 * @example parseTrustProxy("10.0.0.0/8, 127.0.0.1")  parseTrustProxy("1")
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const s = (text ?? "").trim();
  if (s === "" || s === "false" || s === "none") return TRUST_NONE;
  if (/^\d+$/.test(s)) {
    const hops = Number(s);
    if (hops < 1 || hops > 16) throw new Error(`WEFT_TRUST_PROXY: a hop count is 1-16, got ${s}`);
    return { kind: "hops", hops };
  }
  const list = new BlockList();
  for (const raw of s.split(",")) {
    const entry = raw.trim();
    for (const item of SHORTHANDS[entry] ?? [entry]) addEntry(list, item);
  }
  return { kind: "list", list, text: s };
}

function addEntry(list: BlockList, entry: string): void {
  const [addr = "", bits] = entry.split("/");
  const family = isIP(addr);
  const max = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (
    family === 0 ||
    !Number.isInteger(prefix) ||
    prefix < 0 ||
    prefix > max ||
    (bits !== undefined && !/^\d+$/.test(bits))
  ) {
    throw new Error(
      `WEFT_TRUST_PROXY: "${entry}" is not an address, a CIDR, "loopback" or "private"; or give a hop count`,
    );
  }
  list.addSubnet(addr, prefix, family === 4 ? "ipv4" : "ipv6");
}

/** `::ffff:10.0.0.1` → `10.0.0.1`, so IPv4 peers on a dual-stack socket match IPv4 entries. */
export function normalizeAddress(addr: string): string {
  const a = addr.trim().replace(/^\[|\]$/g, "");
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(a) ? a.slice(7) : a;
}

function trusts(trust: TrustProxy, addr: string, hop: number): boolean {
  switch (trust.kind) {
    case "none":
      return false;
    case "hops":
      return hop < trust.hops;
    case "list": {
      const family = isIP(addr);
      return family !== 0 && trust.list.check(addr, family === 4 ? "ipv4" : "ipv6");
    }
  }
}

function headerList(req: IncomingMessage, name: string): string[] {
  const v = req.headers[name];
  const joined = Array.isArray(v) ? v.join(",") : (v ?? "");
  return joined
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
}

/**
 * Who the client is and whether it used HTTPS: walk from the TCP peer back through
 * `X-Forwarded-For` while each hop is a trusted proxy; the first untrusted hop is the client.
 */
export function clientOf(req: IncomingMessage, trust: TrustProxy): { ip: string; secure: boolean } {
  const peer = normalizeAddress(req.socket.remoteAddress ?? "unknown");
  const tls = Boolean((req.socket as { encrypted?: boolean }).encrypted);
  if (!trusts(trust, peer, 0)) return { ip: peer, secure: tls };
  const chain = headerList(req, "x-forwarded-for").map(normalizeAddress);
  let ip = peer;
  let hop = 0;
  for (let i = chain.length - 1; i >= 0; i--) {
    ip = chain[i] as string;
    hop++;
    if (!trusts(trust, ip, hop)) break;
  }
  // The proxy next to us tells the scheme it was reached by.
  const proto = headerList(req, "x-forwarded-proto")[0]?.toLowerCase();
  return { ip: isIP(ip) ? ip : peer, secure: tls || proto === "https" };
}
