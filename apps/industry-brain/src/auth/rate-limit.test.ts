import { describeEachDb } from "@weft/db/testing";
import { describe, expect, it } from "vitest";
import { createRateLimiter, createSharedRateLimiter, type RateLimiter } from "./rate-limit.ts";

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const WINDOW = 60_000;

/** What every limiter must do, in memory or in the database. */
function limiterContract(make: () => RateLimiter): void {
  it("allows `limit` hits in a window, then refuses, and counts without counting a hit", async () => {
    const l = make();
    const got: boolean[] = [];
    for (let i = 0; i < 5; i++) got.push(await l.hit("a", 3, T0 + i * 1000));
    expect(got).toEqual([true, true, true, false, false]);
    expect(await l.count("a", T0 + 6000)).toBe(5);
    expect(await l.count("a", T0 + 7000)).toBe(5);
    expect(await l.count("never", T0)).toBe(0);
  });

  it("starts a new window once the old one is over", async () => {
    const l = make();
    for (let i = 0; i < 4; i++) await l.hit("b", 3, T0 + i);
    expect(await l.hit("b", 3, T0 + WINDOW - 1)).toBe(false);
    expect(await l.count("b", T0 + WINDOW)).toBe(0);
    expect(await l.hit("b", 3, T0 + WINDOW)).toBe(true);
    expect(await l.count("b", T0 + WINDOW + 1)).toBe(1);
  });

  it("keeps keys apart, and reset forgets one key only", async () => {
    const l = make();
    await l.hit("c1", 1, T0);
    await l.hit("c2", 1, T0);
    expect(await l.hit("c1", 1, T0 + 1)).toBe(false);
    await l.reset("c1");
    expect(await l.hit("c1", 1, T0 + 2)).toBe(true);
    expect(await l.hit("c2", 1, T0 + 2)).toBe(false);
  });
}

describe("in-memory rate limiter", () => limiterContract(() => createRateLimiter(WINDOW)));

describeEachDb("shared rate limiter", (ctx) => {
  let n = 0;
  // Keys are prefixed per test: the suite shares one database.
  limiterContract(() => {
    const l = createSharedRateLimiter(ctx.db, WINDOW);
    const p = `t${n++}:`;
    return {
      hit: (k, limit, now) => l.hit(p + k, limit, now),
      count: (k, now) => l.count(p + k, now),
      reset: (k) => l.reset(p + k),
    };
  });

  it("is one counter for every limiter on the database (one per brain process)", async () => {
    const a = createSharedRateLimiter(ctx.db, WINDOW);
    const b = createSharedRateLimiter(ctx.db, WINDOW);
    expect(await a.hit("shared", 2, T0)).toBe(true);
    expect(await b.hit("shared", 2, T0 + 1)).toBe(true);
    expect(await a.hit("shared", 2, T0 + 2)).toBe(false);
    expect(await b.count("shared", T0 + 3)).toBe(3);
  });
});
