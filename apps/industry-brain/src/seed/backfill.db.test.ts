import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { evaluate, sumRange } from "../kpi/query.ts";
import { backfillDemo } from "./backfill.ts";
import { type DemoSeed, seedDemo } from "./demo.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 4, 6, 0); // a Wednesday, 14:00 in Taizhou

describeEachDb("demo history backfill", (ctx) => {
  let demo: DemoSeed;
  beforeAll(async () => {
    demo = await seedDemo(ctx.handle);
  });

  const machineIds = (keys: string[]) =>
    sql`(select id from machines where key in (${sql.join(
      keys.map((k) => sql`${k}`),
      sql`, `,
    )}))`;

  it("stores days of plausible production through ingest, and differs by industry", async () => {
    const keys = ["press-01", "robot-cell-01", "senhua-cnc-01"];
    const r = await backfillDemo(ctx.handle, { machineKeys: keys, days: 3, now: NOW });
    expect(r.machines).toBe(3);
    expect(r.skipped).toBe(0);
    expect(r.readings).toBeGreaterThan(1_000);
    expect(demo.gateways.length).toBeGreaterThan(0);

    const byMachine = new Map<string, ReturnType<typeof evaluate>["kpis"]>();
    for (const key of keys) {
      const total = await sumRange(
        ctx.handle,
        machineIds([key]),
        { from: NOW - DAY, to: NOW },
        "Asia/Shanghai",
      );
      const k = evaluate(total.totals, total.from, total.to, 1).kpis;
      byMachine.set(key, k);
      expect(k.oee, key).not.toBeNull();
      expect(k.oee ?? 0, key).toBeGreaterThan(0.05);
      expect(k.oee ?? 1, key).toBeLessThan(0.95);
      expect(k.runningRate ?? 0, key).toBeGreaterThan(0.2);
      expect(k.quality ?? 0, key).toBeGreaterThan(0.9);
      expect(k.effectiveness ?? 2, key).toBeLessThanOrEqual(1);
    }
    // Furniture works one day shift and switches off at night; robots run three shifts.
    expect(byMachine.get("senhua-cnc-01")?.runningRate ?? 1).toBeLessThan(
      byMachine.get("robot-cell-01")?.runningRate ?? 0,
    );

    const [jobs] = await ctx.handle.query<{ n: unknown }>(
      sql`select count(*) as n from jobs where machine_id in ${machineIds(["press-01"])}`,
    );
    expect(Number(jobs?.n)).toBeGreaterThanOrEqual(10);
    const [live] = await ctx.handle.query<{ state: string | null; last_ts: unknown }>(
      sql`select state, last_ts from machine_live where machine_id in ${machineIds(["press-01"])}`,
    );
    expect(live?.state).not.toBeNull();
    expect(new Date(String(live?.last_ts)).getTime()).toBeGreaterThan(NOW - 15 * 60_000);
  });

  it("never backfills a machine twice (a --data-dir restart), and still fills a new one", async () => {
    const [before] = await ctx.handle.query<{ n: unknown }>(sql`select count(*) as n from readings`);
    const again = await backfillDemo(ctx.handle, {
      machineKeys: ["press-01", "press-02"],
      days: 1,
      now: NOW + DAY,
    });
    expect(again.skipped).toBe(1);
    expect(again.machines).toBe(1);
    const [after] = await ctx.handle.query<{ n: unknown }>(
      sql`select count(*) as n from readings where machine_id in ${machineIds(["press-01"])} and ts > ${new Date(NOW).toISOString()}::timestamptz`,
    );
    expect(Number(after?.n)).toBe(0);
    expect(Number(before?.n)).toBeGreaterThan(0);
  });
});
