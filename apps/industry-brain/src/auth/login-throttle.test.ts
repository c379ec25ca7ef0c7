import { describeEachDb } from "@weft/db/testing";
import { expect, it } from "vitest";
import { forgetAttempts, isKnownAddress, rememberAddress, reserveAttempt } from "./login-throttle.ts";

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);
const MAX = 15 * 60_000;

describeEachDb("login throttle", (ctx) => {
  let n = 0;
  const key = () => `test:${n++}`;

  it("allows `free` attempts, then doubles the wait from 2 s up to the cap", async () => {
    const k = key();
    for (let i = 0; i < 4; i++) expect((await reserveAttempt(ctx.db, k, 5, MAX, T0)).ok).toBe(true);
    // The fifth attempt is allowed and starts the first delay.
    expect((await reserveAttempt(ctx.db, k, 5, MAX, T0)).ok).toBe(true);
    expect(await reserveAttempt(ctx.db, k, 5, MAX, T0 + 1_000)).toEqual({ ok: false, retryAfterMs: 1_000 });
    const waits: number[] = [];
    let at = T0 + 2_000;
    for (let i = 0; i < 12; i++) {
      expect((await reserveAttempt(ctx.db, k, 5, MAX, at)).ok).toBe(true);
      const r = await reserveAttempt(ctx.db, k, 5, MAX, at);
      if (r.ok) throw new Error("expected a wait");
      waits.push(r.retryAfterMs);
      at += r.retryAfterMs;
    }
    expect(waits).toEqual(
      [4, 8, 16, 32, 64, 128, 256, 512].map((s) => s * 1000).concat([MAX, MAX, MAX, MAX]),
    );
  });

  it("counts no refused attempt, and forgets a key after a quiet day or on request", async () => {
    const k = key();
    for (let i = 0; i < 5; i++) await reserveAttempt(ctx.db, k, 5, MAX, T0);
    for (let i = 0; i < 50; i++) expect((await reserveAttempt(ctx.db, k, 5, MAX, T0 + 500)).ok).toBe(false);
    // 50 refusals did not lengthen the wait: the sixth attempt waits 4 s, not more.
    expect((await reserveAttempt(ctx.db, k, 5, MAX, T0 + 2_000)).ok).toBe(true);
    expect(await reserveAttempt(ctx.db, k, 5, MAX, T0 + 2_000)).toEqual({ ok: false, retryAfterMs: 4_000 });
    const later = T0 + 2_000 + 86_400_000 + 1;
    for (let i = 0; i < 4; i++) expect((await reserveAttempt(ctx.db, k, 5, MAX, later)).ok).toBe(true);
    await forgetAttempts(ctx.db, k);
    for (let i = 0; i < 5; i++) expect((await reserveAttempt(ctx.db, k, 5, MAX, later)).ok).toBe(true);
  });

  it("counts parallel attempts exactly: no more than `free` pass before the first wait", async () => {
    const k = key();
    const all = await Promise.all(Array.from({ length: 30 }, () => reserveAttempt(ctx.db, k, 5, MAX, T0)));
    expect(all.filter((r) => r.ok).length).toBe(5);
  });

  it("remembers the addresses an account signed in from for 30 days", async () => {
    expect(await isKnownAddress(ctx.db, "a@b.cd", "198.51.100.1", T0)).toBe(false);
    await rememberAddress(ctx.db, "a@b.cd", "198.51.100.1", T0);
    expect(await isKnownAddress(ctx.db, "a@b.cd", "198.51.100.1", T0 + 29 * 86_400_000)).toBe(true);
    expect(await isKnownAddress(ctx.db, "a@b.cd", "198.51.100.2", T0)).toBe(false);
    expect(await isKnownAddress(ctx.db, "x@b.cd", "198.51.100.1", T0)).toBe(false);
    expect(await isKnownAddress(ctx.db, "a@b.cd", "198.51.100.1", T0 + 31 * 86_400_000)).toBe(false);
  });
});
