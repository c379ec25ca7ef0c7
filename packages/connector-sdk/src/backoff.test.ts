import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Backoff, backoffDelay, sleep } from "./backoff.ts";

describe("backoffDelay", () => {
  it("grows exponentially, is capped, and jitter stays within its band", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, r) => {
          const opts = { initialMs: 100, maxMs: 10_000, factor: 2, jitter: 0.2 };
          const base = Math.min(10_000, 100 * 2 ** attempt);
          const d = backoffDelay(attempt, opts, () => r);
          expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
          expect(d).toBeLessThanOrEqual(Math.min(10_000, Math.ceil(base * 1.2)));
        },
      ),
    );
  });
  it("without jitter it is exact", () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, { initialMs: 50, jitter: 0 }))).toEqual([
      50, 100, 200, 400,
    ]);
  });
  it("Backoff resets after a success", () => {
    const b = new Backoff({ initialMs: 10, jitter: 0 });
    expect([b.next(), b.next(), b.next()]).toEqual([10, 20, 40]);
    b.reset();
    expect(b.next()).toBe(10);
  });
});

describe("sleep", () => {
  it("resolves false at once when aborted and leaves no timer", async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort();
    expect(await p).toBe(false);
    expect(await sleep(1)).toBe(true);
  });
});
