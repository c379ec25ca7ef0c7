import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pruneStaleTemplates } from "./templates.ts";

describe("pruneStaleTemplates", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "weft-tpl-prune-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps another checkout's fresh template and its own, deletes only day-old dumps", async () => {
    const now = Date.now();
    const mine = join(dir, "weft-db-pglite-0000000000000001.tar");
    const freshOther = join(dir, "weft-db-pglite-0000000000000002.tar");
    const staleOther = join(dir, "weft-db-pglite-0000000000000003.tar");
    const unrelated = join(dir, "weft-db-pglite-notakey.tar");
    for (const f of [mine, freshOther, staleOther, unrelated]) await writeFile(f, "x");
    const twoDaysAgo = new Date(now - 48 * 3_600_000);
    await utimes(staleOther, twoDaysAgo, twoDaysAgo);
    await utimes(mine, twoDaysAgo, twoDaysAgo);
    await utimes(unrelated, twoDaysAgo, twoDaysAgo);

    expect(await pruneStaleTemplates(dir, mine, now)).toEqual(["weft-db-pglite-0000000000000003.tar"]);
    expect((await readdir(dir)).sort()).toEqual(
      [
        "weft-db-pglite-0000000000000001.tar",
        "weft-db-pglite-0000000000000002.tar",
        "weft-db-pglite-notakey.tar",
      ].sort(),
    );
  });
});
