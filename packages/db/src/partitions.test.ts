import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { createDb } from "./client.ts";
import { insertReadings } from "./ingest/readings.ts";
import { ensurePartitions, forgetPartitions, listPartitions, partitionName, utcDay } from "./partitions.ts";
import { describeEachDb, seedTree } from "./testing.ts";

const DAY = 86_400_000;

it("names partitions by UTC day", () => {
  expect(partitionName(utcDay(Date.UTC(2026, 10, 23, 23, 59)))).toBe("readings_p20261123");
  expect(partitionName(utcDay(Date.UTC(2026, 10, 24)))).toBe("readings_p20261124");
});

describeEachDb("partitions", (ctx) => {
  let machineId: number;
  beforeAll(async () => {
    machineId = (await seedTree(ctx.db)).machineIds[0] as number;
  });

  it("creates each missing day once and is idempotent", async () => {
    const from = Date.UTC(2027, 0, 30, 12);
    const created = await ensurePartitions(ctx.db, from, from + 2 * DAY);
    expect(created).toEqual(["readings_p20270130", "readings_p20270131", "readings_p20270201"]);
    expect(await ensurePartitions(ctx.db, from, from + 2 * DAY)).toEqual([]);
    forgetPartitions(ctx.db); // even without the cache, the SQL function is idempotent
    expect(await ensurePartitions(ctx.db, from, from + 2 * DAY)).toEqual([]);
    const names = (await listPartitions(ctx.db)).map((p) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(["readings_p20270130", "readings_p20270201", "readings_default"]),
    );
    expect(names.at(-1)).toBe("readings_default");
  });

  it("moves rows that landed in the default partition into a partition created later", async () => {
    const ts = Date.UTC(2027, 5, 1, 3);
    await insertReadings(ctx.db, [{ machineId, pointKey: "late-part", ts, value: 7, quality: "good" }], {
      ensurePartitions: false,
    });
    expect(await ensurePartitions(ctx.db, ts, ts)).toEqual(["readings_p20270601"]);
    const rows = await ctx.handle.query<{ part: string }>(
      sql`select tableoid::regclass::text as part from readings where point_key = 'late-part'`,
    );
    expect(rows).toEqual([{ part: "readings_p20270601" }]);
  });

  it("is safe when several connections create the same partitions at once", async () => {
    const from = Date.UTC(2028, 1, 1);
    if (ctx.target !== "postgres") {
      const results = await Promise.all([1, 2, 3].map(() => ensurePartitions(ctx.db, from, from + 4 * DAY)));
      expect(results.flat()).toHaveLength(5);
      return;
    }
    const url = ctx.handle.url as string;
    const conns = await Promise.all([1, 2, 3].map(() => createDb({ url, max: 1, migrate: false })));
    try {
      const results = await Promise.all(conns.map((c) => ensurePartitions(c.db, from, from + 4 * DAY)));
      expect(results.flat().sort()).toEqual(
        [1, 2, 3, 4, 5].map((d) => `readings_p202802${String(d).padStart(2, "0")}`),
      );
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });
});
