import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { describeEachDb } from "../testing.ts";
import { queryPrepared, queryRows } from "./rows.ts";

describeEachDb("queryPrepared", (ctx) => {
  const sumOf = (xs: number[]) =>
    sql`select coalesce(sum(x), 0)::float8 as s, count(*)::int as n from unnest(${sql.param(xs)}::int4[]) as x`;

  it("gives the same rows as queryRows, call after call with new parameters on one prepared text", async () => {
    for (const xs of [[1, 2, 3], [], [40, 2], [7]]) {
      expect(await queryPrepared(ctx.db, sumOf(xs))).toEqual(await queryRows(ctx.db, sumOf(xs)));
    }
  });

  it("runs inside the caller's transaction and rolls back with it", async () => {
    await expect(
      ctx.db.transaction(async (tx) => {
        await queryPrepared(tx, sql`insert into cities (key, name) values (${"prep-tx"}, ${"Prepared"})`);
        const seen = await queryPrepared<{ n: number }>(
          tx,
          sql`select count(*)::int as n from cities where key = ${"prep-tx"}`,
        );
        expect(seen[0]?.n).toBe(1);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const after = await queryPrepared<{ n: number }>(
      ctx.db,
      sql`select count(*)::int as n from cities where key = ${"prep-tx"}`,
    );
    expect(after[0]?.n).toBe(0);
  });
});
