import { describe, expect, it } from "vitest";
import { codeBlocks, meaningfulLines, mirrors } from "./readme-blocks.ts";

describe("README code blocks", () => {
  it("finds each fenced block with its language and line", () => {
    const md = "# T\n\n```sh\nnpm test\n```\ntext\n~~~ts\nconst a = 1;\n\nconst b = 2;\n~~~\n";
    expect(codeBlocks("R.md", md)).toEqual([
      { file: "R.md", line: 3, lang: "sh", text: "npm test" },
      { file: "R.md", line: 7, lang: "ts", text: "const a = 1;\n\nconst b = 2;" },
    ]);
  });

  it("a block is mirrored when its lines appear in order, whatever the indentation", () => {
    const block = "const a = f(1); // one\n\n  g(a);";
    expect(meaningfulLines(block)).toEqual(["const a = f(1); // one", "g(a);"]);
    expect(mirrors(block, "x\n    const a = f(1);\n  y\n\tg(a);\n")).toBe(true);
    expect(mirrors(block, "g(a);\nconst a = f(1);\n")).toBe(false);
    expect(mirrors(block, "const a = f(2);\ng(a);\n")).toBe(false);
  });
});
