import { TRPCError } from "@trpc/server";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sessionCookie } from "../../test/harness.ts";
import { createInternalContext } from "../context.ts";
import { effectiveCode } from "../errors.ts";
import { coverageRouter } from "../routers/coverage.ts";
import { completeCreditCode, type DemoSeed, seedDemo } from "../seed/demo.ts";
import { type RunningBrain, startBrain } from "../server.ts";
import { createCallerFactory } from "../trpc.ts";
import { computeCoverage } from "./compute.ts";

const caller = createCallerFactory(coverageRouter);
const EXTRA_PARKS = 23;
const PER_PARK = 4;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return e instanceof TRPCError ? effectiveCode(e) : "unknown";
  }
}

describeEachDb("coverage.parkTable and the overview's totals", (db) => {
  let brain: RunningBrain;
  let demo: DemoSeed;
  let cityId = 0;
  const as = async (role: "city-admin" | "park-manager" | "enterprise-user") => {
    const u = demo.users.find((x) => x.role === role);
    if (!u) throw new Error(role);
    const cookie = await sessionCookie(brain, db.handle, u.email);
    return caller(createInternalContext(brain.services, { cookie }));
  };
  const full = async (parkIds: number[] | null) =>
    computeCoverage(db.handle, { cityId, parkIds, enterpriseIds: null }, new Date());

  beforeAll(async () => {
    demo = await seedDemo(db.handle);
    const [city] = await db.handle.query<{ id: number }>(
      sql`select id from cities where key = ${demo.cityKey}`,
    );
    cityId = Number(city?.id);
    // Parks k = 1..23 with 4 enterprises each; k % 5 of them have a machine with fresh data, so the
    // parks' coverage ratios differ (0, 25, 50, 75, 100 %) once connectivity is what counts.
    for (let k = 1; k <= EXTRA_PARKS; k++) {
      const [park] = await db.handle.query<{ id: number }>(sql`insert into parks (key, city_id, name, name_en)
        values (${`paging-${k}`}, ${cityId}, ${`分页园区 ${k}`}, ${`Paging Park ${String(k).padStart(2, "0")}`})
        returning id`);
      for (let j = 0; j < PER_PARK; j++) {
        const n = k * 10 + j;
        const [ent] = await db.handle.query<{ id: number }>(sql`insert into enterprises
          (key, park_id, name, credit_code, industry_code, above_scale, declared_machines)
          values (${`paging-e-${n}`}, ${Number(park?.id)}, ${`分页企业 ${n}`},
            ${completeCreditCode(`913399${String(n).padStart(9, "0")}MA`)}, 'C23', false, 1)
          returning id`);
        if (j < k % 5) {
          const [m] = await db.handle.query<{
            id: number;
          }>(sql`insert into machines (key, enterprise_id, name)
            values (${`pm-${n}`}, ${Number(ent?.id)}, ${`pm ${n}`}) returning id`);
          await db.handle.query(sql`insert into machine_live (machine_id, state, last_ts)
            values (${Number(m?.id)}, 'running', now())`);
        }
      }
    }
    brain = await startBrain({ db: db.handle, port: 0, background: false });
    const admin = await as("city-admin");
    const { items } = await admin.ruleSet.get();
    await admin.ruleSet.update({
      items: items.map((r) => ({
        item: r.item as "cloud",
        required: r.item === "identity" || r.item === "connectivity" || r.item === "enterpriseCoverage",
        weight: r.weight,
      })),
    });
  });
  afterAll(async () => {
    await brain?.close();
  });

  it("gives the overview totals the full computation gives, for the city and for a park manager", async () => {
    const admin = await as("city-admin");
    const ov = await admin.overview({ days: 30 });
    const r = await full(null);
    expect(r.totals.enterprisesCovered).toBeGreaterThan(0);
    expect(r.totals.enterprisesCovered).toBeLessThan(r.totals.enterprises);
    expect(ov.totals).toMatchObject(r.totals);
    expect(ov.history.at(-1)?.enterpriseRatio).toBeCloseTo(
      r.totals.enterprisesCovered / r.totals.enterprises,
    );
    // Attention: the least covered parks that are not digitalized, at most 10.
    const notDigitalized = r.parks.filter((p) => !p.coverage.digitalized);
    expect(ov.attention.length).toBe(Math.min(10, notDigitalized.length));
    const worst = Math.min(...notDigitalized.map((p) => p.coverage.enterpriseRatio ?? -1));
    expect(ov.attention[0]?.enterpriseRatio ?? -1).toBe(worst);
    const manager = await as("park-manager");
    const mine = await manager.overview({ days: 30 });
    const myParks = (await manager.parkTable({ pageSize: 200 })).rows.map((p) => p.id);
    const own = await full(myParks);
    expect(mine.totals).toMatchObject(own.totals);
    expect(mine.totals.parks).toBeLessThan(ov.totals.parks);
  });

  it("agrees with the full computation whichever measured items a rule set requires", async () => {
    const admin = await as("city-admin");
    const { items } = await admin.ruleSet.get();
    const sets: string[][] = [["liveData"], ["connectivity", "liveData"], ["kpiFeed"], ["energy"], []];
    for (const required of sets) {
      await admin.ruleSet.update({
        items: items.map((r) => ({
          item: r.item as "cloud",
          required: required.includes(r.item),
          weight: r.weight,
          threshold: r.item === "connectivity" ? { minRatio: 0.9 } : r.threshold,
        })),
      });
      const r = await full(null);
      const ov = await admin.overview({ days: 1 });
      expect(ov.totals, required.join("+")).toMatchObject(r.totals);
      const rows = (await admin.parkTable({ pageSize: 200 })).rows;
      expect(rows.map((p) => [p.id, p.coveredEnterprises, p.digitalized, p.lastDataAt])).toEqual(
        expect.arrayContaining(
          r.parks.map((p) => [p.id, p.coveredEnterprises, p.coverage.digitalized, p.lastDataAt]),
        ),
      );
    }
    await admin.ruleSet.update({
      items: items.map((r) => ({ item: r.item as "cloud", required: r.required, weight: r.weight })),
    });
  });

  it("pages, sorts and searches the parks on the server, every park exactly once", async () => {
    const admin = await as("city-admin");
    const r = await full(null);
    const seen: number[] = [];
    let total = -1;
    for (let page = 1; page <= 10; page++) {
      const p = await admin.parkTable({ page, pageSize: 7, sort: "coverage", dir: "desc" });
      total = p.total;
      expect(p.rows.length).toBeLessThanOrEqual(7);
      seen.push(...p.rows.map((x) => x.id));
      const ratios = p.rows.map((x) => x.enterpriseRatio ?? -1);
      expect(ratios).toEqual([...ratios].sort((a, b) => b - a));
      if (p.rows.length < 7) break;
    }
    expect(total).toBe(r.parks.length);
    expect(total).toBe(EXTRA_PARKS + demo.parkKeys.length);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => a - b)).toEqual(r.parks.map((p) => p.id).sort((a, b) => a - b));
    // Each row's figures are the full computation's.
    const rows = (await admin.parkTable({ pageSize: 200 })).rows;
    for (const row of rows) {
      const want = r.parks.find((p) => p.id === row.id);
      expect(row).toMatchObject({
        enterprises: want?.enterprises,
        coveredEnterprises: want?.coveredEnterprises,
        digitalized: want?.coverage.digitalized,
        connectedMachines: want?.connectedMachines,
      });
    }
    // Ascending coverage puts the uncovered parks first, ties by id.
    const asc = (await admin.parkTable({ pageSize: 5 })).rows;
    expect(asc.map((x) => x.enterpriseRatio ?? -1)).toEqual(
      [...asc.map((x) => x.enterpriseRatio ?? -1)].sort((a, b) => a - b),
    );
    // Names in English order; the search matches English names, case-insensitively.
    const byName = await admin.parkTable({
      pageSize: 3,
      sort: "name",
      dir: "asc",
      locale: "en",
      q: "paging park 1",
    });
    expect(byName.total).toBe(10); // Paging Park 10 … 19
    expect(byName.rows.map((x) => x.nameEn)).toEqual(["Paging Park 10", "Paging Park 11", "Paging Park 12"]);
    const last = await admin.parkTable({
      page: 4,
      pageSize: 3,
      sort: "name",
      locale: "en",
      q: "PAGING PARK 1",
    });
    expect(last.rows.map((x) => x.nameEn)).toEqual(["Paging Park 19"]);
    expect((await admin.parkTable({ q: "分页园区 7" })).rows.map((x) => x.name)).toEqual(["分页园区 7"]);
    const byEnterprises = (await admin.parkTable({ pageSize: 200, sort: "enterprises", dir: "desc" })).rows;
    expect(byEnterprises.map((x) => x.enterprises)).toEqual(
      [...byEnterprises.map((x) => x.enterprises)].sort((a, b) => b - a),
    );
    expect(await codeOf(admin.parkTable({ pageSize: 201 }))).toBe("BAD_REQUEST");
    expect(await codeOf(admin.parkTable({ page: 0 }))).toBe("BAD_REQUEST");
  });

  it("keeps a park manager to their parks and a factory user out", async () => {
    const admin = await as("city-admin");
    const manager = await as("park-manager");
    const factory = await as("enterprise-user");
    const all = await admin.parkTable({ pageSize: 200 });
    const mine = await manager.parkTable({ pageSize: 200 });
    const [myParkRow] = await db.handle.query<{ n: number }>(sql`select count(*)::int as n from user_parks up
      join users u on u.id = up.user_id where u.role = 'park-manager'`);
    expect(mine.total).toBe(Number(myParkRow?.n));
    expect(mine.total).toBeLessThan(all.total);
    expect((await manager.parkTable({ q: "Paging", locale: "en" })).total).toBe(0);
    expect(await codeOf(factory.parkTable({}))).toBe("FORBIDDEN");
    const [other] = await db.handle.query<{ id: number }>(
      sql`insert into cities (key, name) values ('paging-other', '别市') returning id`,
    );
    expect(await codeOf(manager.parkTable({ cityId: Number(other?.id) }))).toBe("NOT_FOUND");
    expect(await codeOf(admin.parkTable({ cityId: Number(other?.id) }))).toBe("NOT_FOUND");
  });

  it("reuses a computed city for a while, shows when it was computed, and drops it on a write", async () => {
    const admin = await as("city-admin");
    const a = await admin.parkTable({});
    const b = await admin.overview({ days: 1 });
    expect(b.computedAt).toBe(a.computedAt);
    // Concurrent cold requests share one computation.
    const { items } = await admin.ruleSet.get();
    await admin.ruleSet.update({
      items: items.map((r) => ({
        item: r.item as "cloud",
        required: r.item === "identity",
        weight: r.weight,
      })),
    });
    const [c, d] = await Promise.all([admin.overview({ days: 1 }), admin.parkTable({})]);
    expect(c.computedAt).toBe(d.computedAt);
    expect(c.computedAt).not.toBe(a.computedAt);
    // Only the credit code and industry count now: every enterprise is covered.
    expect(c.totals.enterprisesCovered).toBe(c.totals.enterprises);
    expect(c.totals).toMatchObject((await full(null)).totals);
  });
});
