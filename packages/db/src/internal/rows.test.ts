import { expect, it } from "vitest";
import { rowsOf, toDate } from "./rows.ts";

it("toDate reads PostgreSQL text timestamps, Dates and epoch ms", () => {
  const ms = Date.UTC(2026, 10, 23, 8, 0, 1, 500);
  expect(toDate("2026-11-23 08:00:01.5+00").getTime()).toBe(ms);
  expect(toDate("2026-11-23 13:30:01.5+05:30").getTime()).toBe(ms);
  expect(toDate("2026-11-23T08:00:01.500Z").getTime()).toBe(ms);
  expect(toDate(new Date(ms)).getTime()).toBe(ms);
  expect(toDate(ms).getTime()).toBe(ms);
  expect(() => toDate("yesterday")).toThrow(TypeError);
});

it("rowsOf accepts both driver result shapes", () => {
  expect(rowsOf([{ a: 1 }])).toEqual([{ a: 1 }]);
  expect(rowsOf({ rows: [{ a: 1 }], fields: [] })).toEqual([{ a: 1 }]);
  expect(rowsOf(undefined)).toEqual([]);
});
