import { TRPCError } from "@trpc/server";
import { isWeftError } from "@weft/core";
import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createInternalContext } from "../../src/context.ts";
import { effectiveCode } from "../../src/errors.ts";
import { appRouter, createCaller } from "../../src/root.ts";
import { completeCreditCode } from "../../src/seed/demo.ts";
import {
  ROLES,
  seedWalls,
  TARGETS,
  type WallFixture,
  type WallRole,
  type WallTarget,
} from "../fixtures/walls.ts";
import { startTestBrain, type TestBrain } from "../harness.ts";

/*
 * The wall matrix: every procedure of the router, called by each role on a target of its own, one
 * in another park of the same city and one in another city. A cell is what the caller gets:
 * ok = allowed, NF = NOT_FOUND, 403 = FORBIDDEN (the role may never do this), 401 = UNAUTHORIZED.
 * Roles: city-admin of city 1 | park-manager of park 1 | enterprise-user of enterprise A |
 * gateway key of A | anonymous; each cell "own otherPark otherCity".
 * Besides the codes: an allowed answer never contains anything beyond the caller's walls, a target
 * that does not exist gets exactly the answer another city's target gets, and no refused write
 * leaves a trace.
 */
const EXPECTED = `
health                    ok ok ok | ok ok ok | ok ok ok | ok ok ok | ok ok ok
auth.login                ok ok ok | ok ok ok | ok ok ok | ok ok ok | ok ok ok
auth.logout               ok ok ok | ok ok ok | ok ok ok | ok ok ok | ok ok ok
auth.me                   ok ok ok | ok ok ok | ok ok ok | ok ok ok | ok ok ok
auth.changePassword       ok ok ok | ok ok ok | ok ok ok | 401 401 401 | 401 401 401
industries.list           ok ok ok | ok ok ok | ok ok ok | ok ok ok | ok ok ok
industries.summary        ok ok NF | ok ok NF | ok ok NF | 401 401 401 | 401 401 401
parks.list                ok ok NF | ok ok NF | ok ok NF | 401 401 401 | 401 401 401
parks.get                 ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
parks.create              ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
parks.update              ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
enterprises.list          ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
enterprises.get           ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
enterprises.create        ok ok NF | ok NF NF | 403 403 403 | 401 401 401 | 401 401 401
enterprises.update        ok ok NF | ok NF NF | 403 403 403 | 401 401 401 | 401 401 401
enterprises.getCalendar   ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
enterprises.setCalendar   ok ok NF | ok NF NF | 403 403 403 | 401 401 401 | 401 401 401
ingest.push               401 401 401 | 401 401 401 | 401 401 401 | ok 403 403 | 401 401 401
ingest.state              401 401 401 | 401 401 401 | 401 401 401 | ok ok ok | 401 401 401
gateways.list             ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
gateways.create           ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
gateways.rotateKey        ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
gateways.revoke           ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
machines.list             ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
machines.live             ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
machines.update           ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
machinePage.overview      ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
machinePage.timeline      ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
machinePage.signal        ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
machinePage.trends        ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
rankings.list             ok ok ok | ok ok ok | ok ok ok | 401 401 401 | 401 401 401
kpi.elements              ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
kpi.oee                   ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
kpi.counterAnomalies      ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
jobs.list                 ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
jobs.get                  ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
system.storage            403 403 403 | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
system.applyRetention     403 403 403 | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
system.auditLog           ok ok ok | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
coverage.overview         ok ok NF | ok ok NF | 403 403 403 | 401 401 401 | 401 401 401
coverage.parkTable        ok ok NF | ok ok NF | 403 403 403 | 401 401 401 | 401 401 401
coverage.park             ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
coverage.enterprise       ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
coverage.declare          ok ok NF | ok NF NF | 403 403 403 | 401 401 401 | 401 401 401
coverage.ruleSet.get      ok ok ok | ok ok ok | ok ok ok | 401 401 401 | 401 401 401
coverage.ruleSet.update   ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
coverage.export           ok ok NF | ok NF NF | 403 403 403 | 401 401 401 | 401 401 401
coverage.snapshot         ok ok ok | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
coverage.machineStates    ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
coverage.imports.preview  ok ok NF | ok NF NF | 403 403 403 | 401 401 401 | 401 401 401
coverage.imports.commit   ok ok NF | ok NF NF | 403 403 403 | 401 401 401 | 401 401 401
users.list                ok ok ok | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
users.create              ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
users.setDisabled         ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
alerts.list               ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
alerts.acknowledge        ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
alerts.resolve            ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
alerts.rules.list         ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
alerts.rules.create       ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
alerts.rules.update       ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
orders.ledger             ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
orders.export             ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
orders.create             ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
orders.rates.get          ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
orders.rates.set          ok ok NF | ok NF NF | ok NF NF | 401 401 401 | 401 401 401
display.tokens.list       ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
display.tokens.issue      ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
display.tokens.revoke     ok ok NF | 403 403 403 | 403 403 403 | 401 401 401 | 401 401 401
display.wall              401 401 401 | 401 401 401 | 401 401 401 | 401 401 401 | 401 401 401
`;

const SHORT: Record<string, string> = {
  resolved: "ok",
  NOT_FOUND: "NF",
  FORBIDDEN: "403",
  UNAUTHORIZED: "401",
};

let n = 0;
const uniq = () => `${process.pid % 1000}${++n}`;
const RANGE = () => ({ from: Date.now() - 3_600_000, to: Date.now() });

type Call = {
  type: "query" | "mutation" | "subscription";
  input?: (t: WallTarget, f: WallFixture, role: WallRole) => unknown;
  /** For lists: the input without any filter, whose answer must hold only what the walls let through. */
  bare?: () => unknown;
};

function importFile(): string {
  const code = completeCreditCode(`91331004MA${String(700_0000 + n).slice(-7)}`);
  const csv = `企业名称,统一社会信用代码,行业代码,企业标识\r\n导入企业 ${n},${code},C2311,wall-imp-${uniq()}\r\n`;
  return Buffer.from(csv).toString("base64");
}

/** How each procedure is called on a target. */
const CALLS: Record<string, Call> = {
  health: { type: "query" },
  "auth.login": { type: "mutation", input: (_t, f) => f.login },
  "auth.logout": { type: "mutation" },
  "auth.me": { type: "query" },
  "auth.changePassword": {
    type: "mutation",
    input: (_t, f, role) => {
      const pw =
        role in f.passwords ? f.passwords[role as keyof WallFixture["passwords"]] : "not-a-user-password";
      return { current: pw, next: pw };
    },
  },
  "industries.list": { type: "query" },
  "industries.summary": {
    type: "query",
    input: (t) => ({ range: RANGE(), city: t.cityKey }),
    bare: () => ({ range: RANGE() }),
  },
  "parks.list": { type: "query", input: (t) => ({ cityKey: t.cityKey }), bare: () => ({}) },
  "parks.get": { type: "query", input: (t) => ({ park: t.parkKey }) },
  "parks.create": {
    type: "mutation",
    input: (t) => ({ key: `wall-p-${uniq()}`, name: "墙", cityKey: t.cityKey }),
  },
  "parks.update": { type: "mutation", input: (t) => ({ park: t.parkKey }) },
  "enterprises.list": { type: "query", input: (t) => ({ park: t.parkKey }), bare: () => ({}) },
  "enterprises.get": { type: "query", input: (t) => ({ enterprise: t.entKey }) },
  "enterprises.create": {
    type: "mutation",
    input: (t) => ({
      key: `wall-e-${uniq()}`,
      parkKey: t.parkKey,
      name: "墙企业",
      creditCode: completeCreditCode(`91331004MA${String(100_0000 + n).slice(-7)}`),
      industryCode: "C2311",
      aboveScale: false,
      declaredMachines: 1,
    }),
  },
  "enterprises.update": { type: "mutation", input: (t) => ({ enterprise: t.entKey }) },
  "enterprises.getCalendar": { type: "query", input: (t) => ({ enterprise: t.entKey }) },
  "enterprises.setCalendar": { type: "mutation", input: (t) => ({ enterprise: t.entKey, calendar: null }) },
  "ingest.push": {
    type: "mutation",
    input: (t) => ({
      gatewayId: t.gatewayId,
      seq: 10_000 + n++,
      readings: [
        {
          machine: "wall-m",
          point: "state",
          signal: "state",
          ts: Date.now() - 1000,
          value: "running",
          quality: "good",
        },
      ],
    }),
  },
  // A gateway's own seq state: no target to name, so every cell reads the caller's own gateway.
  "ingest.state": { type: "query", input: () => ({ after: 9_999, upTo: 12_000 }) },
  "gateways.list": { type: "query", input: (t) => ({ enterprise: t.entKey }), bare: () => ({}) },
  "gateways.create": {
    type: "mutation",
    input: (t) => ({ enterprise: t.entKey, id: `wall-gw-${uniq()}`, name: "wall" }),
  },
  "gateways.rotateKey": { type: "mutation", input: (t) => ({ id: t.spareGatewayId }) },
  "gateways.revoke": { type: "mutation", input: (t) => ({ id: t.spareGatewayId }) },
  "machines.list": { type: "query", input: (t) => ({ enterprise: t.entKey }), bare: () => ({}) },
  "machines.live": { type: "query", input: (t) => ({ park: t.parkKey }), bare: () => ({}) },
  "machines.update": { type: "mutation", input: (t) => ({ machine: t.machineId }) },
  "rankings.list": { type: "query", input: () => ({ kind: "enterprise", range: RANGE() }) },
  "machinePage.overview": { type: "query", input: (t) => ({ machine: t.machineId }) },
  "machinePage.timeline": { type: "query", input: (t) => ({ machine: t.machineId, range: RANGE() }) },
  "machinePage.signal": {
    type: "query",
    input: (t) => ({ machine: t.machineId, range: RANGE(), point: "state" }),
  },
  "machinePage.trends": {
    type: "query",
    input: (t) => ({ machine: t.machineId, range: RANGE(), bucket: "hour" }),
  },
  "kpi.elements": {
    type: "query",
    input: (t) => ({ scope: { kind: "park", id: t.parkKey }, range: RANGE(), bucket: "hour" }),
    bare: () => ({ scope: { kind: "industry", id: "C23" }, range: RANGE(), bucket: "hour" }),
  },
  "kpi.oee": {
    type: "query",
    input: (t) => ({ scope: { kind: "machine", id: t.machineId }, range: RANGE(), bucket: "hour" }),
  },
  "kpi.counterAnomalies": {
    type: "query",
    input: (t) => ({ scope: { kind: "enterprise", id: t.entKey }, range: RANGE() }),
  },
  "jobs.list": { type: "query", input: (t) => ({ enterprise: t.entKey }), bare: () => ({}) },
  "jobs.get": {
    type: "query",
    input: (t) => ({ jobId: "J-WALL", enterprise: t.entKey }),
    bare: () => ({ jobId: "J-WALL" }),
  },
  "system.storage": { type: "query" },
  "system.applyRetention": { type: "mutation", input: () => ({ keepDays: 3650 }) },
  "system.auditLog": {
    type: "query",
    input: (t) => ({ actor: `gateway:${t.gatewayId}` }),
    bare: () => ({ limit: 500 }),
  },
  "coverage.overview": {
    type: "query",
    input: (t) => ({ cityId: t.cityId, days: 30 }),
    bare: () => ({ days: 30 }),
  },
  "coverage.parkTable": {
    type: "query",
    input: (t) => ({ cityId: t.cityId, pageSize: 200 }),
    bare: () => ({ pageSize: 200, sort: "name" }),
  },
  "coverage.park": { type: "query", input: (t) => ({ parkId: t.parkId, days: 30 }) },
  "coverage.enterprise": { type: "query", input: (t) => ({ enterpriseId: t.entId }) },
  "coverage.declare": {
    type: "mutation",
    input: (t) => ({
      enterpriseId: t.entId,
      item: "cloud",
      value: { infrastructure: true, management: false, business: false },
    }),
  },
  "coverage.ruleSet.get": { type: "query" },
  "coverage.ruleSet.update": { type: "mutation", input: (t) => ({ cityId: t.cityId, items: ruleItems }) },
  "coverage.export": {
    type: "query",
    input: (t) => ({ format: "csv", parkId: t.parkId }),
    bare: () => ({ format: "xlsx", locale: "en" }),
  },
  "coverage.snapshot": { type: "mutation" },
  "coverage.machineStates": {
    type: "subscription",
    input: (t) => ({ enterpriseId: t.entId, intervalMs: 250 }),
  },
  "coverage.imports.preview": {
    type: "mutation",
    input: (t) => ({ filename: "wall.csv", base64: importFile(), defaultParkId: t.parkId }),
  },
  "coverage.imports.commit": {
    type: "mutation",
    input: (t) => ({ filename: "wall.csv", base64: importFile(), defaultParkId: t.parkId, acceptLines: [2] }),
  },
  "users.list": { type: "query", input: () => ({}) },
  "users.create": {
    type: "mutation",
    input: (t) => ({
      email: `wall-new-${uniq()}@wall.test`,
      name: "new",
      role: "park-manager",
      password: "a-long-password",
      parkKeys: [t.parkKey],
    }),
  },
  "users.setDisabled": { type: "mutation", input: (t) => ({ id: t.userId, disabled: false }) },
  "alerts.list": { type: "query", input: (t) => ({ enterprise: t.entKey }), bare: () => ({}) },
  "alerts.acknowledge": { type: "mutation", input: (t) => ({ alert: t.alertId }) },
  "alerts.resolve": { type: "mutation", input: (t) => ({ alert: t.alertId }) },
  "alerts.rules.list": { type: "query", input: (t) => ({ enterprise: t.entKey }), bare: () => ({}) },
  "alerts.rules.create": {
    type: "mutation",
    input: (t) => ({
      enterprise: t.entKey,
      name: `wall-new-rule-${uniq()}`,
      kind: "machine-down",
      params: { minutes: 5 },
    }),
  },
  "alerts.rules.update": { type: "mutation", input: (t) => ({ rule: t.alertRuleId, enabled: true }) },
  "orders.ledger": { type: "query", input: (t) => ({ enterprise: t.entKey }), bare: () => ({}) },
  "orders.export": {
    type: "query",
    input: (t) => ({ enterprise: t.entKey }),
    bare: () => ({ locale: "en" }),
  },
  "orders.create": {
    type: "mutation",
    input: (t) => ({ enterprise: t.entKey, jobId: `J-WALL-${uniq()}`, customer: "wall", plannedQty: 100 }),
  },
  "orders.rates.get": { type: "query", input: (t) => ({ enterprise: t.entKey }) },
  "orders.rates.set": {
    type: "mutation",
    input: (t) => ({
      enterprise: t.entKey,
      rates: { perMachineHour: 100, perKwh: 1, perThousandSheets: 30, wasteAllowance: 0.03 },
    }),
  },
  "display.tokens.list": { type: "query", input: (t) => ({ city: t.cityKey }), bare: () => ({}) },
  "display.tokens.issue": {
    type: "mutation",
    input: (t) => ({ city: t.cityKey, park: t.parkKey, name: `wall-new-display-${uniq()}` }),
  },
  "display.tokens.revoke": { type: "mutation", input: (t) => ({ token: t.displayTokenId }) },
  "display.wall": { type: "query", input: () => ({}) },
};

let ruleItems: unknown = [];

type Outcome = { cell: string; message: string; fields: string; result: unknown };

async function headersFor(
  role: WallRole,
  f: WallFixture,
): Promise<{ cookie?: string; authorization?: string }> {
  if (role === "gateway") return { authorization: `Bearer ${f.gatewayKey}` };
  if (role === "anonymous") return {};
  return { cookie: await f.cookie(role) };
}

async function callAs(
  t: TestBrain,
  f: WallFixture,
  role: WallRole,
  path: string,
  target: WallTarget | "bare",
): Promise<Outcome> {
  const call = CALLS[path];
  if (!call) throw new Error(`no call for ${path}`);
  const caller = createCaller(createInternalContext(t.brain.services, await headersFor(role, f)));
  let fn: unknown = caller;
  for (const k of path.split(".")) fn = (fn as Record<string, unknown>)[k];
  const input = target === "bare" ? call.bare?.() : call.input?.(target, f, role);
  try {
    let result = await (fn as (i: unknown) => Promise<unknown>)(input);
    if (call.type === "subscription") {
      const first: unknown[] = [];
      for await (const v of result as AsyncIterable<unknown>) {
        first.push(v);
        break;
      }
      result = first;
    }
    return { cell: "ok", message: "", fields: "", result };
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    const code = effectiveCode(err);
    const cause: unknown = err.cause;
    return {
      cell: SHORT[code] ?? code,
      message: err.message,
      fields: isWeftError(cause) ? (cause.field ?? "") : "",
      result: null,
    };
  }
}

async function xlsxText(file: unknown): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const bytes = Buffer.from((file as { base64: string }).base64, "base64");
  await wb.xlsx.load(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  );
  const cells: string[] = [];
  wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => cells.push(String(c.value)))));
  return cells.join("\n");
}

function parseExpected(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of EXPECTED.trim().split("\n")) {
    const [path = "", ...rest] = line.trim().split(/\s+/);
    rows.set(path, rest.join(" "));
  }
  return rows;
}

/** Replace the refs a call named, so a NOT_FOUND for another city and for nothing read the same. */
function template(message: string, t: WallTarget): string {
  let m = message;
  const refs = Object.values(t).map(String);
  for (const v of refs.sort((a, b) => b.length - a.length)) m = m.replaceAll(v, "<ref>");
  return m;
}

describeEachDb("wall matrix: every procedure × role × target", (db) => {
  let t: TestBrain;
  let f: WallFixture;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, {
      limits: { login: { perAccountAndAddress: 1_000, perAddress: 1_000, perAccount: 1_000 } },
    });
    f = await seedWalls(db.handle, t.demo);
    const admin = createCaller(
      createInternalContext(t.brain.services, { cookie: await f.cookie("city-admin") }),
    );
    ruleItems = (await admin.coverage.ruleSet.get()).items;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("covers every procedure of the router, and only those", () => {
    const inRouter = Object.keys(appRouter._def.procedures).sort();
    expect([...parseExpected().keys()].sort()).toEqual(inRouter);
    expect(Object.keys(CALLS).sort()).toEqual(inRouter);
  });

  it("answers every cell as written, with zero leaks", async () => {
    const expected = parseExpected();
    const actual: string[] = [];
    const leaks: string[] = [];
    const existence: string[] = [];
    for (const path of expected.keys()) {
      const groups: string[] = [];
      for (const role of ROLES) {
        const cells: string[] = [];
        for (const name of TARGETS) {
          const o = await callAs(t, f, role, path, f.targets[name]);
          cells.push(o.cell);
          if (o.cell === "ok") {
            const json = JSON.stringify(o.result) ?? "";
            for (const marker of f.markers[role]) {
              if (json.includes(marker)) leaks.push(`${path} as ${role} on ${name} shows ${marker}`);
            }
          }
          if (name === "otherCity") {
            // Another city's target and one that does not exist must be indistinguishable.
            const m = await callAs(t, f, role, path, f.targets.missing);
            const a = [o.cell, template(o.message, f.targets.otherCity), o.fields].join(" | ");
            const b = [m.cell, template(m.message, f.targets.missing), m.fields].join(" | ");
            if (a !== b) existence.push(`${path} as ${role}: other city "${a}" vs missing "${b}"`);
          }
        }
        groups.push(cells.join(" "));
        if (CALLS[path]?.bare) {
          const o = await callAs(t, f, role, path, "bare");
          const json = o.cell === "ok" ? (JSON.stringify(o.result) ?? "") : "";
          // An XLSX export is zipped: look inside its text too.
          const zipped = path === "coverage.export" || path === "orders.export";
          const text = json + (zipped && o.cell === "ok" ? await xlsxText(o.result) : "");
          for (const marker of f.markers[role]) {
            if (text.includes(marker)) leaks.push(`${path} as ${role}, unfiltered, shows ${marker}`);
          }
        }
      }
      actual.push(`${path} ${groups.join(" | ")}`);
    }
    const want = [...expected].map(([p, row]) => `${p} ${row}`);
    expect(actual.join("\n")).toBe(want.join("\n"));
    expect(leaks).toEqual([]);
    expect(existence).toEqual([]);
  }, 600_000);

  it("leaves no trace of a refused write beyond the caller's walls", async () => {
    const { own, otherPark, otherCity } = f.targets;
    const [c2] = await db.handle.query<{ n: number }>(
      sql`select count(*)::int as n from enterprises where park_id = ${otherCity.parkId}`,
    );
    expect(Number(c2?.n)).toBe(1);
    const gws = await db.handle.query<{ id: string; revoked: boolean }>(
      sql`select id, revoked_at is not null as revoked from gateways where id in (${otherCity.spareGatewayId}, ${otherPark.spareGatewayId}, ${own.spareGatewayId}) order by id`,
    );
    // Only the city admin may reach the other park's spare gateway; nobody city 2's.
    expect(gws.map((g) => [g.id, g.revoked])).toEqual([
      ["gw-wall-c2", false],
      ["gw-wall-own", true],
      ["gw-wall-park", true],
    ]);
    const traces = await db.handle.query<{ actor: string; action: string; target: string }>(
      sql`select actor, action, target from audit_log
          where target in (${`enterprise:${otherCity.entKey}`}, ${`enterprise:${otherCity.entId}`},
            ${`park:${otherCity.parkKey}`}, ${`park:${otherCity.parkId}`}, ${`gateway:${otherCity.spareGatewayId}`},
            ${`machine:${otherCity.machineId}`}, ${`user:${otherCity.userId}`}, ${`city:${otherCity.cityId}`})`,
    );
    expect(traces).toEqual([]);
    const parkTraces = await db.handle.query<{ actor: string }>(
      sql`select a.actor from audit_log a join users u on u.id = a.actor_user_id
          where u.role <> 'city-admin' and a.target in (${`enterprise:${otherPark.entKey}`},
            ${`enterprise:${otherPark.entId}`}, ${`gateway:${otherPark.spareGatewayId}`}, ${`machine:${otherPark.machineId}`})`,
    );
    expect(parkTraces).toEqual([]);
  });
});
