import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Where a webhook may go. Any signed-in user can name a webhook address, so by default the brain
 * refuses loopback, private, link-local and unique-local targets (it must not become a way to poke
 * at the brain's own network); `WEFT_WEBHOOK_ALLOW_PRIVATE=true` allows them for an on-premises
 * chat server. The address is checked after DNS resolution.
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const)
  PRIVATE.addSubnet(net, bits, "ipv6");

/** True for an address the brain does not send webhooks to by default. */
export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 0) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped?.[1]) return PRIVATE.check(mapped[1], "ipv4");
  return PRIVATE.check(ip, v === 4 ? "ipv4" : "ipv6");
}

/** Null when the URL may be called, else why not. */
export async function refuseTarget(url: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null;
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  const addrs = isIP(host) ? [{ address: host }] : await lookup(host, { all: true }).catch(() => []);
  if (addrs.length === 0) return `cannot resolve ${host}`;
  const bad = addrs.find((a) => isPrivateAddress(a.address));
  return bad
    ? `refused: ${host} is a private address (${bad.address}); set WEFT_WEBHOOK_ALLOW_PRIVATE=true to allow`
    : null;
}
