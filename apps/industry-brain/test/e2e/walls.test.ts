import { describeEachDb } from "@weft/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { client, codeOf, errorOf, startTestBrain, type TestBrain } from "../harness.ts";

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const range = { from: NOW - 3_600_000, to: NOW };

describeEachDb("auth walls", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle, { now: () => NOW, limits: { login: { perAccountAndAddress: 5 } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("needs a session for every read", async () => {
    const anon = client(t.url);
    expect(await codeOf(anon.parks.list.query())).toBe("UNAUTHORIZED");
    expect(await codeOf(anon.enterprises.list.query())).toBe("UNAUTHORIZED");
    expect(await anon.auth.me.query()).toBeNull();
    expect((await anon.health.query()).status).toBe("ok");
  });

  it("signs in with an httpOnly SameSite=Lax cookie and signs out", async () => {
    const res = await fetch(`${t.url}/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "park@weft.demo", password: "weft-park-2025" }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie()[0] ?? "";
    expect(cookie).toMatch(/^weft_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const c = await t.signedIn("park-manager");
    expect((await c.auth.me.query())?.role).toBe("park-manager");
    await c.auth.logout.mutate();
    expect(await c.auth.me.query()).toBeNull();
    expect(await codeOf(c.parks.list.query())).toBe("UNAUTHORIZED");
  });

  it("rejects a wrong password, then rate-limits login attempts", async () => {
    const c = client(t.url);
    const codes: string[] = [];
    for (let i = 0; i < 7; i++)
      codes.push(await codeOf(c.auth.login.mutate({ email: "nobody@weft.demo", password: `nope-${i}` })));
    expect(codes.slice(0, 5)).toEqual(Array(5).fill("UNAUTHORIZED"));
    expect(codes.slice(5)).toEqual(["TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
  });

  it("a park manager sees only their park and cannot read another park's enterprise", async () => {
    const c = await t.signedIn("park-manager");
    const parks = await c.parks.list.query();
    expect(parks.items.map((p) => p.key)).toEqual(["luqiao-print-park"]);
    const ents = await c.enterprises.list.query();
    expect(ents.items.map((e) => e.key).sort()).toEqual(["caihong-print", "dongfang-pack"]);
    expect(await codeOf(c.enterprises.get.query({ enterprise: "senhua-furniture" }))).toBe("NOT_FOUND");
    expect(await codeOf(c.parks.get.query({ park: "huangyan-smart-park" }))).toBe("NOT_FOUND");
    expect(
      await codeOf(c.kpi.oee.query({ scope: { kind: "enterprise", id: "senhua-furniture" }, range })),
    ).toBe("NOT_FOUND");
    expect(await codeOf(c.kpi.oee.query({ scope: { kind: "machine", id: "robot-cell-01" }, range }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(c.kpi.oee.query({ scope: { kind: "city", id: "taizhou" }, range }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(c.enterprises.list.query({ park: "huangyan-smart-park" }))).toBe("NOT_FOUND");
    // An industry scope only sums what the manager may see.
    const c34 = await c.kpi.elements.query({ scope: { kind: "industry", id: "C34" }, range, bucket: "hour" });
    expect(c34.machines).toBe(0);
    expect(await codeOf(c.system.storage.query())).toBe("FORBIDDEN");
    expect(
      await codeOf(c.gateways.create.mutate({ enterprise: "senhua-furniture", id: "gw-x", name: "x" })),
    ).toBe("NOT_FOUND");
  });

  it("an enterprise user cannot see the park's other enterprises", async () => {
    const c = await t.signedIn("enterprise-user");
    const ents = await c.enterprises.list.query();
    expect(ents.items.map((e) => e.key)).toEqual(["caihong-print"]);
    expect(await codeOf(c.enterprises.get.query({ enterprise: "dongfang-pack" }))).toBe("NOT_FOUND");
    expect(await codeOf(c.kpi.oee.query({ scope: { kind: "enterprise", id: "dongfang-pack" }, range }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(c.kpi.oee.query({ scope: { kind: "park", id: "luqiao-print-park" }, range }))).toBe(
      "resolved",
    );
    const park = await c.kpi.elements.query({ scope: { kind: "park", id: "luqiao-print-park" }, range });
    expect(park.machines).toBe(3); // only its own machines count inside the park scope
    const live = await c.machines.live.query();
    expect(live.items.every((m) => m.enterpriseKey === "caihong-print")).toBe(true);
    expect(await codeOf(c.machines.live.query({ enterprise: "dongfang-pack" }))).toBe("NOT_FOUND");
    expect(await codeOf(c.jobs.list.query({ enterprise: "dongfang-pack" }))).toBe("NOT_FOUND");
  });

  it("a gateway writes only its own enterprise's machines, and cannot call user procedures", async () => {
    const gw = t.gateway("dongfang-pack");
    const caihong = sql`select count(*)::int as n from readings r join machines m on m.id = r.machine_id
      join enterprises e on e.id = m.enterprise_id where m.key = 'press-01' and e.key = 'caihong-print'`;
    const [before] = await db.handle.query<{ n: number }>(caihong);
    const r = await gw.ingest.push.mutate({
      gatewayId: "gw-dongfang-pack",
      seq: 1,
      readings: [{ machine: "press-01", point: "x", ts: NOW - 1000, value: 1, quality: "good" }],
    });
    // "press-01" names dongfang's own (new) machine, never caihong's.
    expect(r.registered).toEqual(["press-01"]);
    const [after] = await db.handle.query<{ n: number }>(caihong);
    expect(Number(after?.n)).toBe(Number(before?.n));
    expect(await codeOf(gw.parks.list.query())).toBe("UNAUTHORIZED");
  });

  it("a city admin sees the whole city; every write lands in the audit log", async () => {
    const c = await t.signedIn("city-admin");
    expect((await c.parks.list.query()).items.length).toBe(2);
    const city = await c.kpi.oee.query({ scope: { kind: "city", id: "taizhou" }, range, bucket: "hour" });
    expect(city.machines).toBeGreaterThanOrEqual(11);
    // Two enterprises of the city now have a press-01 (see the gateway test): the key is ambiguous.
    const ambiguous = await errorOf(c.machines.update.mutate({ machine: "press-01", idealCycleS: 0.24 }));
    expect(ambiguous.data?.weftCode).toBe("VALIDATION_FAILED");
    const press = (await c.machines.list.query({ enterprise: "caihong-print" })).items.find(
      (m) => m.key === "press-01",
    );
    await c.machines.update.mutate({ machine: press?.id ?? 0, idealCycleS: 0.24, lineKey: "line-a" });
    const rows = await db.handle.query<{ action: string; actor: string }>(
      sql`select action, actor from audit_log where target = ${`machine:${press?.id}`}`,
    );
    expect(rows.map((r) => r.action)).toEqual(["machine.update"]);
    expect(rows[0]?.actor).toMatch(/^user:\d+$/);
    // Disk use and retention span every city: the system administrator's, not a city's.
    expect(await codeOf(c.system.storage.query())).toBe("FORBIDDEN");
    const summary = await c.industries.summary.query({ range, city: "taizhou" });
    expect(summary.industries.map((i) => i.code)).toEqual(["C17", "C21", "C23", "C34"]);
    expect(summary.parks.length).toBe(2);
  });

  it("answers bad KPI input with typed errors", async () => {
    const c = await t.signedIn("city-admin");
    const reversed = await errorOf(
      c.kpi.oee.query({ scope: { kind: "city", id: "taizhou" }, range: { from: NOW, to: NOW - 1 } }),
    );
    expect(reversed.data?.code).toBe("BAD_REQUEST");
    expect(reversed.data?.weftCode).toBe("RANGE_INVALID");
    const fine = await errorOf(
      c.kpi.elements.query({
        scope: { kind: "city", id: "taizhou" },
        range: { from: NOW - 30 * 86_400_000, to: NOW },
        bucket: "minute",
      }),
    );
    expect(fine.data?.weftCode).toBe("RANGE_INVALID");
    expect(fine.data?.fields?.[0]?.field).toBe("bucket");
    expect(await codeOf(c.kpi.oee.query({ scope: { kind: "enterprise", id: "no-such" }, range }))).toBe(
      "NOT_FOUND",
    );
    expect(await codeOf(c.kpi.oee.query({ scope: { kind: "industry", id: "X99" }, range }))).toBe(
      "BAD_REQUEST",
    );
    // An unknown bucket, as an untyped client could send it, is rejected by the schema.
    const week = { scope: { kind: "city", id: "taizhou" }, range, bucket: "week" } as unknown as Parameters<
      typeof c.kpi.oee.query
    >[0];
    const bad = await errorOf(c.kpi.oee.query(week));
    expect(bad.data?.fields?.[0]?.field).toBe("bucket");
  });
});
