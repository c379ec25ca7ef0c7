import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { migrate } from "./migrate.ts";
import { cities, enterprises, machines, parks } from "./schema/index.ts";
import { describeEachDb, seedTree } from "./testing.ts";

describeEachDb("migrations", (ctx) => {
  it("applies on start and is a no-op when applied again", async () => {
    const again = await migrate(ctx.db);
    expect(again.applied).toBe(0);
    const [row] = await ctx.handle.query<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    expect(row?.n).toBeGreaterThanOrEqual(2);
  });

  it("creates readings as a range-partitioned table with a default partition", async () => {
    const rows = await ctx.handle.query<{ strategy: string; parts: string[] }>(sql`
      select pt.partstrat as strategy,
             array(select c.relname::text from pg_inherits i join pg_class c on c.oid = i.inhrelid
                   where i.inhparent = 'readings'::regclass) as parts
      from pg_partitioned_table pt where pt.partrelid = 'readings'::regclass`);
    expect(rows[0]?.strategy).toBe("r");
    expect(rows[0]?.parts).toContain("readings_default");
  });

  it("leaves room on the pages of per-batch-updated tables (HOT updates) and logs no rate limits", async () => {
    const rows = await ctx.handle.query<{ name: string; options: string[] | null; persistence: string }>(sql`
      select relname::text as name, reloptions as options, relpersistence::text as persistence from pg_class
      where relname in ('machine_minute_rollups', 'machine_hourly_rollups', 'machine_daily_rollups', 'jobs',
                        'machine_counters', 'machine_live', 'rate_limits', 'enterprise_daily_rollups',
                        'enterprise_monthly_rollups') order by relname`);
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const t of ["machine_minute_rollups", "machine_hourly_rollups", "machine_daily_rollups", "jobs"])
      expect(byName.get(t)?.options).toContain("fillfactor=70");
    for (const t of ["machine_counters", "machine_live"])
      expect(byName.get(t)?.options).toContain("fillfactor=70");
    for (const t of ["enterprise_daily_rollups", "enterprise_monthly_rollups"])
      expect(byName.get(t)?.options).toContain("fillfactor=50");
    expect(byName.get("rate_limits")?.persistence).toBe("u");
  });

  it("backfills enterprise daily and monthly rollups from the machines' daily rollups (0010)", async () => {
    const tree = await seedTree(ctx.db, { prefix: "bf", machines: 2, timeZone: "America/New_York" });
    const [x, y] = tree.machineIds as [number, number];
    // Local midnights in New York: 31 Oct (EDT, UTC-4), 1 Nov (EDT) and 2 Nov (EST, UTC-5) 2026.
    await ctx.handle.query(sql`insert into machine_daily_rollups (machine_id, bucket, produced, failures) values
      (${x}, '2026-10-31T04:00:00Z', 1, 1), (${y}, '2026-10-31T04:00:00Z', 2, 0),
      (${x}, '2026-11-01T04:00:00Z', 4, 0), (${y}, '2026-11-02T05:00:00Z', 8, 3)`);
    await ctx.handle.query(sql`delete from enterprise_daily_rollups`);
    await ctx.handle.query(sql`delete from enterprise_monthly_rollups`);
    const file = readFileSync(new URL("../drizzle/0010_enterprise_rollups.sql", import.meta.url), "utf8");
    for (const stmt of file.split("--> statement-breakpoint").filter((s) => /INSERT INTO/.test(s)))
      await ctx.handle.query(sql.raw(stmt));
    const of = (table: string) =>
      ctx.handle.query<{ b: string; produced: number; failures: number }>(
        sql`select to_char(bucket at time zone 'America/New_York', 'YYYY-MM-DD HH24:MI') as b, produced, failures
            from ${sql.raw(table)} where enterprise_id = ${tree.enterpriseId} order by bucket`,
      );
    expect(await of("enterprise_daily_rollups")).toEqual([
      { b: "2026-10-31 00:00", produced: 3, failures: 1 },
      { b: "2026-11-01 00:00", produced: 4, failures: 0 },
      { b: "2026-11-02 00:00", produced: 8, failures: 3 },
    ]);
    expect(await of("enterprise_monthly_rollups")).toEqual([
      { b: "2026-10-01 00:00", produced: 3, failures: 1 },
      { b: "2026-11-01 00:00", produced: 12, failures: 3 },
    ]);
  });

  it("round-trips the asset tree with snake_case columns", async () => {
    const [city] = await ctx.db.insert(cities).values({ key: "taizhou", name: "台州" }).returning();
    if (!city) throw new Error("no city");
    const [park] = await ctx.db
      .insert(parks)
      .values({ key: "p1", cityId: city.id, name: "园区" })
      .returning();
    if (!park) throw new Error("no park");
    const [ent] = await ctx.db
      .insert(enterprises)
      .values({
        key: "e1",
        parkId: park.id,
        name: "印刷厂",
        creditCode: "91330000000000000X",
        industryCode: "C23",
      })
      .returning();
    if (!ent) throw new Error("no enterprise");
    await ctx.db
      .insert(machines)
      .values({ key: "press-1", enterpriseId: ent.id, name: "Press", kind: "printing-press" });
    const cols = await ctx.handle.query<{ column_name: string }>(
      sql`select column_name from information_schema.columns where table_name = 'enterprises'`,
    );
    expect(cols.map((c) => c.column_name)).toEqual(
      expect.arrayContaining(["credit_code", "declared_machines"]),
    );
    await expect(
      ctx.db.insert(machines).values({ key: "press-1", enterpriseId: ent.id, name: "Dup" }),
    ).rejects.toThrow();
  });
});
