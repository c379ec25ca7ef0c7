import { describe, expect, it } from "vitest";
import { inSeqOrder } from "./order.ts";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("inSeqOrder", () => {
  it("runs a gateway's later upload only after its running earlier one, and leaves other gateways alone", async () => {
    const scope = {};
    const log: string[] = [];
    let finishA = () => {};
    const a = inSeqOrder(scope, "gw-1", 10, async () => {
      log.push("a start");
      await new Promise<void>((r) => (finishA = r));
      log.push("a end");
    });
    const b = inSeqOrder(scope, "gw-1", 90, async () => log.push("b"));
    const other = inSeqOrder(scope, "gw-2", 500, async () => log.push("other"));
    await tick();
    expect(log).toEqual(["a start", "other"]);
    finishA();
    await Promise.all([a, b, other]);
    expect(log).toEqual(["a start", "other", "a end", "b"]);
  });

  it("never makes a lower seq wait for a higher one (a resend after a failure)", async () => {
    const scope = {};
    const log: string[] = [];
    let finishHigh = () => {};
    const high = inSeqOrder(scope, "gw", 90, () => new Promise<void>((r) => (finishHigh = r)));
    await inSeqOrder(scope, "gw", 10, async () => log.push("low"));
    expect(log).toEqual(["low"]);
    finishHigh();
    await high;
  });

  it("releases the later uploads when an earlier one fails", async () => {
    const scope = {};
    const failed = inSeqOrder(scope, "gw", 1, async () => {
      await tick();
      throw new Error("db down");
    });
    const next = inSeqOrder(scope, "gw", 2, async () => "stored");
    await expect(failed).rejects.toThrow("db down");
    await expect(next).resolves.toBe("stored");
  });
});
