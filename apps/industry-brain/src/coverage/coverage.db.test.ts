import { TRPCError } from "@trpc/server";
import { industryDivision } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sessionCookie } from "../../test/harness.ts";
import { createInternalContext } from "../context.ts";
import { effectiveCode } from "../errors.ts";
import { coverageRouter } from "../routers/coverage.ts";
import { completeCreditCode, type DemoSeed, seedDemo } from "../seed/demo.ts";
import { type RunningBrain, startBrain } from "../server.ts";
import { createCallerFactory } from "../trpc.ts";
import { parseCsv } from "./csv.ts";
import { coverageHistory, dayOf, snapshotCoverage } from "./snapshot.ts";

const coverageCaller = createCallerFactory(coverageRouter);
type Role = "city-admin" | "park-manager" | "enterprise-user";

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "resolved";
  } catch (e) {
    return e instanceof TRPCError ? effectiveCode(e) : "unknown";
  }
}

function b64(s: string): string {
  return Buffer.from(s).toString("base64");
}

describeEachDb("coverage procedures", (db) => {
  let brain: RunningBrain;
  let demo: DemoSeed;
  let seq = 1;
  const as = async (role: Role) => {
    const u = demo.users.find((x) => x.role === role);
    if (!u) throw new Error(role);
    const cookie = await sessionCookie(brain, db.handle, u.email);
    return coverageCaller(createInternalContext(brain.services, { cookie }));
  };
  const push = async (enterpriseKey: string, state: string) => {
    const gw = demo.gateways.find((g) => g.enterpriseKey === enterpriseKey);
    if (!gw) throw new Error(enterpriseKey);
    const at = Date.now() - 1_000;
    const readings = gw.machineKeys.flatMap((machine, i) => [
      { machine, point: "state", signal: "state", ts: at, value: state, quality: "good" },
      { machine, point: "good", signal: "goodCount", ts: at, value: 100 * seq + i, quality: "good" },
    ]);
    const r = await fetch(`${brain.url}/trpc/ingest.push`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${gw.apiKey}` },
      body: JSON.stringify({ gatewayId: gw.gatewayId, seq: seq++, readings }),
    });
    expect(r.status).toBe(200);
  };

  beforeAll(async () => {
    demo = await seedDemo(db.handle);
    // Every read computes afresh: these tests read coverage right after pushing live data.
    brain = await startBrain({ db: db.handle, port: 0, settings: { coverageCacheMs: 0 } });
  });
  afterAll(async () => {
    await brain?.close();
  });

  it("measures coverage from live data: an enterprise with fresh state and counters is covered", async () => {
    const admin = await as("city-admin");
    const before = await admin.overview({ days: 30 });
    expect(before.totals.enterprises).toBe(demo.enterprises.length);
    expect(before.totals.enterprisesCovered).toBe(0);
    const key = demo.gateways[0]?.enterpriseKey ?? "";
    await push(key, "running");
    await push(key, "running");
    const after = await admin.overview({ days: 30 });
    expect(after.totals.enterprisesCovered).toBe(1);
    const code = demo.enterprises.find((e) => e.key === key)?.industryCode ?? "";
    expect(after.totals.industriesOnboarded).toEqual([industryDivision(code)?.code]);
    expect(after.history.at(-1)?.enterpriseRatio).toBeCloseTo(1 / demo.enterprises.length);
  });

  it("a declared required item changes coverage, with who and when, audit-logged", async () => {
    const admin = await as("city-admin");
    const { items } = await admin.ruleSet.get();
    await admin.ruleSet.update({
      items: items.map((r) => ({
        item: r.item as "cloud",
        required: r.item === "cloud" || r.item === "identity",
        weight: r.weight,
      })),
    });
    const ov = await admin.overview({ days: 30 });
    expect(ov.totals.enterprisesCovered).toBe(0);
    const manager = await as("park-manager");
    const table = await admin.parkTable({ pageSize: 200 });
    const parkId = table.rows.find((p) => p.enterprises > 0 && manager)?.id ?? 0;
    const park = await manager.park({ parkId, days: 30 }).catch(async () => admin.park({ parkId, days: 30 }));
    const ent = park.enterprises[0];
    if (!ent) throw new Error("no enterprise");
    const declarer = (await codeOf(manager.park({ parkId, days: 30 }))) === "resolved" ? manager : admin;
    await declarer.declare({
      enterpriseId: ent.id,
      item: "cloud",
      value: { infrastructure: true, management: false, business: false },
      evidenceUrl: "https://example.org/cloud.pdf",
    });
    const after = await admin.enterprise({ enterpriseId: ent.id });
    const cloud = after.enterprise?.coverage.items.find((i) => i.item === "cloud");
    expect(cloud).toMatchObject({ ok: true, source: "declared" });
    expect(cloud?.declaration?.declaredBy).toBeTruthy();
    expect(cloud?.declaration?.evidenceUrl).toBe("https://example.org/cloud.pdf");
    expect((await admin.overview({ days: 30 })).totals.enterprisesCovered).toBe(1);
    const audit = await db.handle.query<{ action: string }>(
      sql`select action from audit_log where action = 'coverage.declare'`,
    );
    expect(audit.length).toBe(1);
    await expect(
      declarer.declare({ enterpriseId: ent.id, item: "cloud", value: { infrastructure: "yes" } }),
    ).rejects.toThrow(/invalid value/);
    await expect(
      declarer.declare({ enterpriseId: ent.id, item: "infrastructure", value: {} }),
    ).rejects.toThrow(/park/);
    // back to defaults for the following tests
    await admin.ruleSet.update({
      items: items.map((r) => ({ item: r.item as "cloud", required: r.required, weight: r.weight })),
    });
  });

  it("keeps the role walls", async () => {
    const admin = await as("city-admin");
    const manager = await as("park-manager");
    const factory = await as("enterprise-user");
    const all = await admin.parkTable({ pageSize: 200 });
    const mine = await manager.parkTable({ pageSize: 200 });
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(mine.total).toBe(mine.rows.length);
    expect(mine.rows.length).toBeLessThan(all.rows.length);
    const foreign = all.rows.find((p) => !mine.rows.some((m) => m.id === p.id));
    expect((await manager.overview({ days: 30 })).totals.parks).toBe(mine.total);
    expect(await codeOf(factory.parkTable({}))).toBe("FORBIDDEN");
    expect(await codeOf(manager.parkTable({ q: foreign?.name ?? "" }))).toBe("resolved");
    expect((await manager.parkTable({ q: foreign?.name ?? "" })).total).toBe(0);
    expect(await codeOf(manager.park({ parkId: foreign?.id ?? 0, days: 30 }))).toBe("NOT_FOUND");
    expect(await codeOf(manager.export({ format: "csv", locale: "en", parkId: foreign?.id ?? 0 }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(manager.ruleSet.update({ items: [] }))).toBe("FORBIDDEN");
    expect(await codeOf(factory.overview({ days: 30 }))).toBe("FORBIDDEN");
    expect(
      await codeOf(
        factory.declare({
          parkId: all.rows[0]?.id ?? 0,
          item: "platformReporting",
          value: { month: "2026-10" },
        }),
      ),
    ).toBe("FORBIDDEN");
    const own = await factory.ruleSet.get();
    expect(own.items.length).toBe(12);
    const foreignEnterprise =
      (await admin.park({ parkId: foreign?.id ?? 0, days: 30 })).enterprises[0]?.id ?? 0;
    const ownPark = mine.rows[0]?.id ?? 0;
    expect(await codeOf(manager.enterprise({ enterpriseId: foreignEnterprise }))).toBe("NOT_FOUND");
    expect(await codeOf(factory.park({ parkId: foreign?.id ?? 0, days: 30 }))).toBe("NOT_FOUND");
    expect(
      await codeOf(
        manager.imports.preview({
          filename: "a.csv",
          base64: b64("name\n"),
          defaultParkId: foreign?.id ?? 0,
        }),
      ),
    ).toBe("NOT_FOUND");
    expect(ownPark).toBeGreaterThan(0);
  });

  it("stores one snapshot per day and scope, idempotently", async () => {
    const day = dayOf(new Date());
    const a = await snapshotCoverage(db.handle, day);
    const b = await snapshotCoverage(db.handle, day);
    expect(b).toEqual(a);
    expect(a.parks).toBe(demo.parkKeys.length);
    const cityId = (await (await as("city-admin")).overview({ days: 30 })).city.id;
    const hist = await coverageHistory(db.handle, "city", cityId, "2000-01-01");
    expect(hist.length).toBe(1);
    expect(hist[0]?.total).toBe(demo.parkKeys.length);
    await expect(snapshotCoverage(db.handle, "23-11-2026")).rejects.toThrow(RangeError);
  });

  it("previews an import row by row, stores nothing, then commits only accepted valid rows in one go", async () => {
    const admin = await as("city-admin");
    const parkKey = demo.parkKeys[0] ?? "";
    const existing = demo.enterprises[0]?.creditCode ?? "";
    const good = completeCreditCode("91330100MA27XK0Q3");
    const bad = `${good.slice(0, 17)}${good.endsWith("0") ? "1" : "0"}`;
    const other = completeCreditCode("91330100MA2CA4PR5");
    const third = completeCreditCode("91330102MA2GL4J13");
    const csv = [
      "企业名称,统一社会信用代码,行业代码,园区,规上,申报设备数",
      `好企业,${good},C23,${parkKey},是,3`,
      `校验位错,${bad},C23,${parkKey},否,1`,
      `未知行业,${other},X99,${parkKey},否,1`,
      `重复一,${good},C21,${parkKey},否,1`,
      `已存在,${existing},C21,${parkKey},否,1`,
      `无园区,${third},C21,no-such-park,否,1`,
    ].join("\n");
    const count = async () => (await admin.overview({ days: 1 })).totals.enterprises;
    const n0 = await count();
    const report = await admin.imports.preview({ filename: "e.csv", base64: b64(csv) });
    expect(report.fileIssues).toEqual([]);
    const problems = report.rows.map((r) => [r.line, r.ok, r.issues.map((i) => i.problem)]);
    expect(problems[0]).toEqual([2, true, []]);
    expect(problems[1]?.[2]).toEqual(["credit-code-check-digit"]);
    expect(problems[2]?.[2]).toEqual(["industry-code-unknown"]);
    expect(problems[3]?.[2]).toEqual(["duplicate-in-file"]);
    expect(problems[4]?.[2]).toEqual(["duplicate-existing"]);
    expect(problems[5]?.[2]).toContain("park-unknown");
    expect(await count()).toBe(n0);
    expect(
      await codeOf(admin.imports.commit({ filename: "e.csv", base64: b64(csv), acceptLines: [2, 3] })),
    ).toBe("CONFLICT");
    expect(await count()).toBe(n0);
    const done = await admin.imports.commit({ filename: "e.csv", base64: b64(csv), acceptLines: [2] });
    expect(done.imported).toBe(1);
    expect(await count()).toBe(n0 + 1);
    const again = await admin.imports.preview({ filename: "e.csv", base64: b64(csv) });
    expect(again.rows[0]?.issues.map((i) => i.problem)).toEqual(["duplicate-existing"]);
  });

  it("rejects bad files with one clear message: wrong columns, too large, unreadable", async () => {
    const admin = await as("city-admin");
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("s").addRows([
      ["foo", "bar"],
      ["1", "2"],
    ]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer()).toString("base64");
    const wrong = await admin.imports.preview({ filename: "x.xlsx", base64: xlsx });
    expect(wrong.fileIssues).toEqual([
      { problem: "missing-columns", detail: "企业名称, 统一社会信用代码, 行业代码" },
      { problem: "unknown-columns", detail: "foo, bar" },
    ]);
    const okBook = new ExcelJS.Workbook();
    okBook.addWorksheet("企业").addRows([
      ["name", "credit code", "industry code", "park", "above scale", "declared machines"],
      ["XLSX Co.", completeCreditCode("91330100MA2XLXX01"), "C2311", demo.parkKeys[0] ?? "", "yes", 2],
      ["Bad Co.", completeCreditCode("91330100MA2XLXX02"), "C99", demo.parkKeys[0] ?? "", "maybe", -1],
    ]);
    const okX = Buffer.from(await okBook.xlsx.writeBuffer()).toString("base64");
    const fromX = await admin.imports.preview({ filename: "e.XLSX", base64: okX });
    expect(fromX.rows.map((r) => r.ok)).toEqual([true, false]);
    expect(fromX.rows[1]?.issues.map((i) => i.problem)).toEqual([
      "industry-code-unknown",
      "above-scale-invalid",
      "declared-machines-invalid",
    ]);
    const big = await admin.imports.preview({ filename: "big.csv", base64: "A".repeat(8 * 1024 * 1024) });
    expect(big.fileIssues[0]?.problem).toBe("too-large");
    const junk = await admin.imports.preview({ filename: "x.xlsx", base64: b64("not a zip") });
    expect(junk.fileIssues[0]?.problem).toBe("unreadable");
    const pdf = await admin.imports.preview({ filename: "x.pdf", base64: b64("%PDF") });
    expect(pdf.fileIssues[0]?.problem).toBe("unreadable");
  });

  it("exports the coverage table as CSV and XLSX, marking measured and declared", async () => {
    const admin = await as("city-admin");
    const ov = await admin.overview({ days: 1 });
    const csv = await admin.export({ format: "csv", locale: "en" });
    expect(csv.filename).toMatch(/\.csv$/);
    const rows = parseCsv(Buffer.from(csv.base64, "base64").toString("utf8"));
    expect(rows[0]?.slice(0, 5)).toEqual(["Park", "Enterprise", "Credit code", "Industry", "Covered"]);
    expect(rows.length - 1).toBe(ov.totals.enterprises);
    expect(rows.slice(1).every((r) => /measured/.test(r.join(",")))).toBe(true);
    expect(rows.slice(1).filter((r) => r[4] === "yes").length).toBe(ov.totals.enterprisesCovered);
    const x = await admin.export({ format: "xlsx", locale: "zh-CN" });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(x.base64, "base64").buffer as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws?.rowCount).toBe(ov.totals.enterprises + 1);
    expect(ws?.getRow(1).getCell(1).value).toBe("园区");
  });
});
