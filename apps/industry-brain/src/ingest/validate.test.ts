import { EARLIEST_READING_MS } from "@weft/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { timestampProblem } from "./validate.ts";

const NOW = Date.UTC(2026, 5, 1, 12);

describe("timestampProblem", () => {
  it("keeps the window [2000-01-01, now + 5 min] and names the reason outside it", () => {
    expect(timestampProblem(EARLIEST_READING_MS, NOW)).toBeNull();
    expect(timestampProblem(NOW + 5 * 60_000, NOW)).toBeNull();
    expect(timestampProblem(EARLIEST_READING_MS - 1, NOW)).toBe(
      "ts 1999-12-31T23:59:59.999Z is before 2000-01-01: check the device clock",
    );
    expect(timestampProblem(NOW + 5 * 60_000 + 1, NOW)).toMatch(/ahead of the brain's clock/);
  });

  it("rejects a ts beyond JavaScript's date range with a reason instead of throwing", () => {
    expect(timestampProblem(8.64e15 + 1, NOW)).toBe(
      "ts 8640000000000001 ms (not a date) is more than 5 minutes ahead of the brain's clock: check the gateway's clock (NTP)",
    );
  });

  it("never throws for any non-negative safe integer", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ts) => {
        const p = timestampProblem(ts, NOW);
        expect(p === null || p.length > 0).toBe(true);
      }),
    );
  });
});
