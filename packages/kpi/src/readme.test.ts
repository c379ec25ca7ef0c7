import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as kpi from "./index.ts";

/** Runs the README's first example against this source, so the README cannot go stale. */
describe("README example", () => {
  it("prints what the README says it prints", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    const expected = [...code.matchAll(/^\/\/ (\d.*|\d+ \d+ .*)$/gm)].map((m) => m[1]);
    const body = code
      .replace(/import \{[\s\S]*?\} from "@weft\/kpi";/, "")
      .replace(/ as const/g, "")
      .replace(/\((\w+): string\)/g, "($1)");
    const printed: string[] = [];
    const log = (...xs: unknown[]) =>
      printed.push(xs.map((x) => (Array.isArray(x) ? `[${x.join(",")}]` : String(x))).join(" "));
    new Function("kpi", "console", `const { ${Object.keys(kpi).join(", ")} } = kpi;\n${body}`)(kpi, { log });
    expect(printed).toEqual(expected);
    expect(printed).toHaveLength(2);
  });
});
