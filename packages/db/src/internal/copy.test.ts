import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { CopyWriter } from "../ingest/copy-binary.ts";
import { describeEachDb } from "../testing.ts";
import { copyFrom } from "./copy.ts";
import { queryRows } from "./rows.ts";

/** Binary COPY data of one `readings (machine_id)` row whose machine_id is NULL: the server rejects it. */
function nullMachineRow(): Uint8Array {
  const w = new CopyWriter(64);
  w.header();
  w.reserve(2);
  w.fieldCount(1);
  w.null();
  w.trailer();
  return w.bytes();
}

describeEachDb("copyFrom", (ctx) => {
  it("rejects with the server's error when a COPY fails, rolls back, and the connection stays usable", async () => {
    const before = await queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from readings`);
    await expect(
      ctx.db.transaction(async (tx) => {
        await tx.execute(sql`insert into cities (key, name) values ('copy-fail', 'Copy fail')`);
        await copyFrom(tx, "readings (machine_id)", [nullMachineRow()]);
      }),
    ).rejects.toThrow(/machine_id.*not-null|null value/);
    // Nothing of the failed transaction is left, and the same pool/instance still answers.
    const cities = await queryRows<{ n: number }>(
      ctx.db,
      sql`select count(*)::int as n from cities where key = 'copy-fail'`,
    );
    expect(cities[0]?.n).toBe(0);
    const after = await queryRows<{ n: number }>(ctx.db, sql`select count(*)::int as n from readings`);
    expect(after[0]?.n).toBe(before[0]?.n);
    if (ctx.target === "postgres") {
      const stuck = await queryRows<{ n: number }>(
        ctx.db,
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and state like 'idle in transaction%'`,
      );
      expect(stuck[0]?.n).toBe(0);
    }
  });
});
