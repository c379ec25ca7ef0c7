import { describe, expect, it } from "vitest";
import { HttpJsonPoint } from "../src/config.ts";
import { extractPoint, getPath } from "../src/extract.ts";

describe("JSON paths", () => {
  const doc = { a: { b: [{ c: 1 }, { c: 2 }] }, s: "x" };
  it("walks keys and indexes", () => {
    expect(getPath(doc, "a.b[1].c")).toBe(2);
    expect(getPath(doc, "a.b[5].c")).toBeUndefined();
    expect(getPath(doc, "s.t")).toBeUndefined();
  });
  it("turns a missing path or a wrong type into bad quality, and scales numbers", () => {
    const p = (o: object) => HttpJsonPoint.parse({ id: "p", ...o });
    expect(extractPoint(doc, p({ path: "a.b[0].c", scale: 0.1 }))).toEqual({ value: 0.1, quality: "good" });
    expect(extractPoint(doc, p({ path: "nope" })).quality).toBe("bad");
    expect(extractPoint(doc, p({ path: "s", type: "number" }))).toMatchObject({
      quality: "bad",
      status: "http-json: s is string, expected number",
    });
  });
});
