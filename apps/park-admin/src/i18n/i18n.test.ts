import { describe, expect, it } from "vitest";
import { en } from "./en.ts";
import { format, makeI18n } from "./index.tsx";
import { zhCN } from "./zh-CN.ts";

describe("i18n", () => {
  it("every locale has exactly the same keys and the same parameters", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(zhCN) as (keyof typeof zhCN)[])
      expect(params(en[k]), k).toEqual(params(zhCN[k]));
  });
  it("fills parameters and leaves unknown ones visible", () => {
    expect(format("{a} / {b}", { a: 1 })).toBe("1 / {b}");
  });
  it("formats numbers, percentages and lists per locale", () => {
    const zh = makeI18n("zh-CN", () => {});
    const e = makeI18n("en", () => {});
    expect(e.num(12345.6, 1)).toBe("12,345.6");
    expect(zh.pct(0.8, 0)).toBe("80%");
    expect(e.pct(null)).toBe("—");
    expect(e.list(["a", "b"])).toMatch(/a.*b/);
    expect(zh.t("overview.parksDigitalized", { covered: 1, total: 2 })).toBe("1 / 2 个园区达标");
  });
  it("says 刚刚 / just now for a fresh reading, never 0秒钟前, and the age beyond 10 s", () => {
    const zh = makeI18n("zh-CN", () => {});
    const e = makeI18n("en", () => {});
    expect(zh.ago(0)).toBe("刚刚");
    expect(zh.ago(9_999)).toBe("刚刚");
    expect(e.ago(400)).toBe("just now");
    expect(zh.ago(12_000)).toMatch(/^12.*前$/);
    expect(e.ago(3 * 60_000)).toBe("3 minutes ago");
  });
  it("separates list items in Chinese (甲、乙和丙), never runs them together", () => {
    const zh = makeI18n("zh-CN", () => {});
    expect(zh.list(["设备联网率", "实时数据", "能耗监测"])).toBe("设备联网率、实时数据和能耗监测");
  });
});

describe("pseudo-locale", () => {
  it("marks every dictionary string, keeps its parameters and its language", async () => {
    const { pseudoMessages } = await import("./index.tsx");
    const p = pseudoMessages(zhCN);
    expect(Object.keys(p)).toEqual(Object.keys(zhCN));
    for (const [k, v] of Object.entries(p)) expect(v, k).toBe(`⟦${zhCN[k as keyof typeof zhCN]}⟧`);
    expect(p["overview.parksDigitalized"]).toContain("{covered}");
  });
});
