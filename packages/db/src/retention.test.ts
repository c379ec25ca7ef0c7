import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { insertReadings } from "./ingest/readings.ts";
import { listPartitions } from "./partitions.ts";
import { diskUsage, dropExpiredPartitions } from "./retention.ts";
import { upsertMinuteRollups } from "./rollups.ts";
import { auditLog, ingestedBatches } from "./schema/index.ts";
import { describeEachDb, seedTree } from "./testing.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 23, 10);

describeEachDb("retention", (ctx) => {
  let m: number;
  beforeAll(async () => {
    const tree = await seedTree(ctx.db);
    m = tree.machineIds[0] as number;
    // one reading per day for 100 days, plus one stray row in the default partition
    const rows = Array.from({ length: 100 }, (_, i) => ({
      machineId: m,
      pointKey: "p",
      ts: NOW - i * DAY,
      value: i,
      quality: "good" as const,
    }));
    await insertReadings(ctx.db, rows);
    await insertReadings(
      ctx.db,
      [{ machineId: m, pointKey: "stray", ts: NOW - 200 * DAY, value: 1, quality: "good" }],
      {
        ensurePartitions: false,
      },
    );
    await upsertMinuteRollups(ctx.db, [{ machineId: m, bucket: NOW - 99 * DAY, produced: 5 }]);
    await ctx.db.insert(ingestedBatches).values([
      {
        gatewayId: tree.gatewayIds[0] as string,
        seq: 1,
        readingCount: 1,
        receivedAt: new Date(NOW - 95 * DAY),
      },
      { gatewayId: tree.gatewayIds[0] as string, seq: 2, readingCount: 1, receivedAt: new Date(NOW - DAY) },
    ]);
    const old = new Date(NOW - 95 * DAY);
    await ctx.db.insert(auditLog).values([
      { actor: "gateway:g", action: "ingest.batch", target: "gateway:g", at: old },
      { actor: "gateway:g", action: "ingest.batch", target: "gateway:g", at: new Date(NOW - DAY) },
      { actor: "user:1", action: "user.create", target: "user:2", at: old },
    ]);
  });

  it("reports disk usage per table family", async () => {
    const u = await diskUsage(ctx.db);
    expect(u.readingPartitions).toBe(101);
    expect(u.readings).toBeGreaterThan(0);
    expect(u.rollups).toBeGreaterThan(0);
    expect(u.total).toBeGreaterThanOrEqual(u.readings + u.rollups + u.state + u.ingestLog + u.other - 1);
  });

  it("drops only whole partitions older than keepDays and keeps rollups", async () => {
    const r = await dropExpiredPartitions(ctx.db, { keepDays: 90, now: NOW });
    expect(r.cutoff.toISOString()).toBe("2026-08-25T00:00:00.000Z");
    expect(r.droppedPartitions).toHaveLength(9); // days 91..99 ago: they end at or before the cutoff
    expect(r.droppedPartitions).toContain("readings_p20260816");
    expect(r.droppedPartitions).not.toContain("readings_p20260825");
    expect(r.defaultRowsDeleted).toBe(1);
    expect(r.batchRecordsDeleted).toBe(1);
    expect(r.ingestAuditDeleted).toBe(1);
    const audit = await ctx.handle.query<{ action: string }>(sql`select action from audit_log order by at`);
    expect(audit.map((a) => a.action)).toEqual(["user.create", "ingest.batch"]);
    const [left] = await ctx.handle.query<{ n: number; oldest: number }>(
      sql`select count(*)::int as n, max(value_num)::float8 as oldest from readings`,
    );
    expect(left?.n).toBe(91); // today plus 90 full days
    expect(Number(left?.oldest)).toBe(90);
    const parts = await listPartitions(ctx.db);
    expect(parts.filter((p) => p.fromMs !== null && p.fromMs < r.cutoff.getTime())).toEqual([]);
    const [roll] = await ctx.handle.query<{ n: number }>(
      sql`select count(*)::int as n from machine_minute_rollups`,
    );
    expect(roll?.n).toBe(1);
    // idempotent; later inserts into a dropped day go to the default partition, not an error
    expect((await dropExpiredPartitions(ctx.db, { keepDays: 90, now: NOW })).droppedPartitions).toEqual([]);
    await insertReadings(ctx.db, [
      { machineId: m, pointKey: "p", ts: NOW - 95 * DAY, value: 1, quality: "good" },
    ]);
  });

  it("rejects a nonsensical keepDays", async () => {
    await expect(dropExpiredPartitions(ctx.db, { keepDays: 0 })).rejects.toThrow(RangeError);
  });
});
