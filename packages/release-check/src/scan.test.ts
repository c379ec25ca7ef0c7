import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fileProblems, importSpecifiers, type Manifest, manifestProblems, packageOf } from "./scan.ts";

const good: Manifest = {
  name: "@weft/x",
  version: "0.1.0",
  license: "Apache-2.0",
  repository: { type: "git", url: "git+https://example.invalid/weft.git" },
  engines: { node: ">=20.19" },
  files: ["dist"],
  bin: { x: "./dist/bin.js" },
  dependencies: { "@weft/core": "0.1.0", zod: "^4.0.0" },
};

describe("import specifiers", () => {
  it("finds static, side-effect, dynamic and require imports", () => {
    const code = `copy t from '/dev/blob'; import("x").T[number];\nimport a from "./a.js";\nimport "side";\nexport { b } from '@s/b/deep';\nconst c = await import("c");\nrequire("d");`;
    expect(importSpecifiers(code).sort()).toEqual(["./a.js", "@s/b/deep", "c", "d", "side", "x"]);
  });
  it("reads multi-line and type imports, and not SQL's `from 'x'` inside a template literal", () => {
    const code =
      'import {\n  a,\n  type B,\n} from "./a.js";\nexport * from "e";\nimport type { T } from "t";\n' +
      "export const q = sql`select 1 from t where s is not distinct from 'rate'`;\nexport { z } from 'z';";
    expect(importSpecifiers(code).sort()).toEqual(["./a.js", "e", "t", "z"]);
  });
  it("names the package of any specifier", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
        fc.stringMatching(/^[a-z0-9/]{0,10}$/),
        (n, sub) => {
          expect(packageOf(`${n}${sub ? `/${sub}` : ""}`)).toBe(n);
          expect(packageOf(`@s/${n}${sub ? `/${sub}` : ""}`)).toBe(`@s/${n}`);
        },
      ),
    );
  });
});

describe("manifest", () => {
  it("a complete manifest has no problem", () => {
    expect(manifestProblems(good)).toEqual([]);
  });
  it("names private, workspace: ranges and missing fields", () => {
    const bad = { ...good, private: true, license: undefined, dependencies: { "@weft/core": "workspace:*" } };
    expect(manifestProblems(bad)).toEqual([
      '@weft/x: "private" is set, so it cannot be published',
      '@weft/x: no "license"',
      '@weft/x: dependencies.@weft/core is "workspace:*", which npm cannot install',
    ]);
  });
});

describe("built files", () => {
  const bin = "#!/usr/bin/env node\nimport { run } from './run.js';";
  it("declared packages, builtins and shipped relative files pass", () => {
    const files = new Map([
      ["dist/bin.js", bin],
      [
        "dist/run.js",
        `import { z } from "zod"; import fs from "node:fs"; import path from "path"; import "@weft/core/x";`,
      ],
      ["dist/run.d.ts", `export declare const r: import("./bin.js").T;`],
      ["dist/bin.d.ts", ""],
    ]);
    expect(fileProblems(good, files)).toEqual([]);
  });
  it("a .ts path, an unshipped file, an undeclared package and a bad bin are each named", () => {
    const files = new Map([
      ["dist/bin.js", "import './run.ts';"],
      ["dist/run.js", `import "./gone.js"; import "@weft/industry-brain/router";`],
    ]);
    expect(fileProblems(good, files)).toEqual([
      "@weft/x: dist/bin.js imports ./run.ts, a TypeScript path node cannot load",
      "@weft/x: dist/bin.js imports ./run.ts, which the package does not ship",
      "@weft/x: dist/run.js imports ./gone.js, which the package does not ship",
      "@weft/x: dist/run.js imports @weft/industry-brain/router, but @weft/industry-brain is not a dependency",
      "@weft/x: bin x has no node shebang",
    ]);
  });
});
