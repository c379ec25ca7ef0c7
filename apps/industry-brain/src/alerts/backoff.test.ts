import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DELIVERY_POLICY, nextAttemptAt } from "./backoff.ts";

describe("nextAttemptAt", () => {
  it("doubles the delay up to the cap, then gives up after the last attempt", () => {
    const p = { baseMs: 1000, maxDelayMs: 10_000, maxAttempts: 6 };
    const delays = [1, 2, 3, 4, 5].map((a) => (nextAttemptAt(a, 0, 0.999_999, p) ?? -1) / 1000);
    expect(delays.map(Math.round)).toEqual([1, 2, 4, 8, 10]);
    expect(nextAttemptAt(6, 0, 0.5, p)).toBeNull();
  });

  it("property: every retry is later than now, within [exp/2, exp], and the schedule is finite", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 2 ** 40 }),
        (attempts, r, now) => {
          const at = nextAttemptAt(attempts, now, r);
          if (attempts >= DELIVERY_POLICY.maxAttempts) {
            expect(at).toBeNull();
            return;
          }
          const exp = Math.min(DELIVERY_POLICY.maxDelayMs, DELIVERY_POLICY.baseMs * 2 ** (attempts - 1));
          expect(at).not.toBeNull();
          expect((at ?? 0) - now).toBeGreaterThanOrEqual(Math.floor(exp / 2));
          expect((at ?? 0) - now).toBeLessThanOrEqual(exp);
        },
      ),
    );
  });
});
