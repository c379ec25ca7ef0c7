import { describe, expect, it } from "vitest";
import { coarseScope } from "./planned.ts";

const row = (id: number, n: number, total: number | undefined, tz = "Asia/Shanghai") => ({
  key: id,
  enterprise_id: id,
  time_zone: tz,
  n: String(n),
  ...(total === undefined ? {} : { total: String(total) }),
});

describe("coarseScope", () => {
  it("reads an enterprise from its rows only when all its machines are in scope", () => {
    expect(coarseScope([row(1, 10, 10), row(2, 3, 10), row(3, 1, undefined)], "Asia/Shanghai")).toEqual({
      whole: [1],
      partial: [2, 3],
      months: true,
    });
  });

  it("reads no month rows when a whole enterprise keeps its days in another zone", () => {
    const s = coarseScope(
      [row(1, 2, 2), row(2, 2, 2, "Europe/Berlin"), row(3, 1, 2, "Europe/Berlin")],
      "Asia/Shanghai",
    );
    expect(s).toEqual({ whole: [1, 2], partial: [3], months: false });
    // A partly covered enterprise in another zone is read per machine anyway: months stay usable.
    expect(coarseScope([row(1, 2, 2), row(3, 1, 2, "Europe/Berlin")], "Asia/Shanghai").months).toBe(true);
  });
});
