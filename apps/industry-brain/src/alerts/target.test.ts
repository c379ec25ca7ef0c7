import { describe, expect, it } from "vitest";
import { isPrivateAddress, refuseTarget } from "./target.ts";

describe("webhook targets", () => {
  it("refuses loopback, private, link-local and unique-local addresses, IPv4-mapped included", () => {
    for (const ip of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
    ])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["8.8.8.8", "203.0.113.7", "2001:db8::1", "::ffff:8.8.8.8"])
      expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it("names the reason and the setting, and allows anything when private targets are allowed", async () => {
    expect(await refuseTarget("http://127.0.0.1:9/x", false)).toMatch(
      /private address.*WEFT_WEBHOOK_ALLOW_PRIVATE/,
    );
    expect(await refuseTarget("http://[::1]:9/x", false)).toMatch(/private address/);
    expect(await refuseTarget("http://127.0.0.1:9/x", true)).toBeNull();
    expect(await refuseTarget("https://203.0.113.7/robot/send", false)).toBeNull();
  });
});
