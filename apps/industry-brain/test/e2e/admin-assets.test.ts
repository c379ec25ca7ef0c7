import { creditCodeCheckChar } from "@weft/core";
import { auditLog } from "@weft/db/schema";
import { describeEachDb } from "@weft/db/testing";
import { like } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { codeOf, errorOf, startTestBrain, type TestBrain } from "../harness.ts";

/** A valid 统一社会信用代码 from its first 17 characters. */
function cc(first17: string): string {
  const check = creditCodeCheckChar(first17);
  if (check === null) throw new Error(`bad credit code stem ${first17}`);
  return first17 + check;
}

const enterprise = (key: string, parkKey: string, stem: string) => ({
  key,
  parkKey,
  name: `${key} 有限公司`,
  nameEn: `${key} Co.`,
  creditCode: cc(stem),
  industryCode: "C2311",
  aboveScale: false,
  declaredMachines: 4,
});

describeEachDb("parks and enterprises admin API", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a city-admin creates and renames a park", async () => {
    const admin = await t.signedIn("city-admin");
    const p = await admin.parks.create.mutate({
      key: "jiaojiang-park",
      name: "椒江园区",
      cityKey: "taizhou",
    });
    expect(p).toEqual({ key: "jiaojiang-park", name: "椒江园区", nameEn: null, cityKey: "taizhou" });
    const u = await admin.parks.update.mutate({ park: "jiaojiang-park", nameEn: "Jiaojiang Park" });
    expect(u).toEqual({
      key: "jiaojiang-park",
      name: "椒江园区",
      nameEn: "Jiaojiang Park",
      cityKey: "taizhou",
    });
    const got = await admin.parks.get.query({ park: "jiaojiang-park" });
    expect(got.nameEn).toBe("Jiaojiang Park");
    const err = await errorOf(
      admin.parks.create.mutate({ key: "jiaojiang-park", name: "again", cityKey: "taizhou" }),
    );
    expect(err.data?.code).toBe("CONFLICT");
    expect(err.data?.fields?.map((f) => f.field)).toEqual(["key"]);
    expect(await codeOf(admin.parks.create.mutate({ key: "Bad Key!", name: "x", cityKey: "taizhou" }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(admin.parks.create.mutate({ key: "p2", name: "x", cityKey: "nowhere" }))).toBe(
      "NOT_FOUND",
    );
  });

  it("park-managers and enterprise-users cannot create or change parks", async () => {
    for (const role of ["park-manager", "enterprise-user"] as const) {
      const c = await t.signedIn(role);
      expect(await codeOf(c.parks.create.mutate({ key: `p-${role}`, name: "x", cityKey: "taizhou" }))).toBe(
        "FORBIDDEN",
      );
      expect(await codeOf(c.parks.update.mutate({ park: "luqiao-print-park", name: "x" }))).toBe("FORBIDDEN");
    }
  });

  it("a city-admin creates and updates an enterprise; the result has the shape of enterprises.get", async () => {
    const admin = await t.signedIn("city-admin");
    const e = await admin.enterprises.create.mutate(
      enterprise("new-print", "jiaojiang-park", "91331002MA2AB1C2D"),
    );
    const got = await admin.enterprises.get.query({ enterprise: "new-print" });
    expect(e).toEqual(got);
    expect(e).toMatchObject({
      key: "new-print",
      industryCode: "C2311",
      declaredMachines: 4,
      aboveScale: false,
    });
    const u = await admin.enterprises.update.mutate({
      enterprise: "new-print",
      name: "新印刷",
      aboveScale: true,
      declaredMachines: 9,
      industryCode: "C2319",
    });
    expect(u).toMatchObject({
      key: "new-print",
      name: "新印刷",
      aboveScale: true,
      declaredMachines: 9,
      industryCode: "C2319",
    });
    expect(u).toEqual(await admin.enterprises.get.query({ enterprise: "new-print" }));
  });

  it("a park-manager creates and updates enterprises in their own park only", async () => {
    const pm = await t.signedIn("park-manager");
    const e = await pm.enterprises.create.mutate(
      enterprise("pm-print", "luqiao-print-park", "91331004MA2WW9Y8X"),
    );
    expect(e.key).toBe("pm-print");
    expect(
      (await pm.enterprises.update.mutate({ enterprise: "pm-print", declaredMachines: 2 })).declaredMachines,
    ).toBe(2);
    // Another park is outside the manager's walls: NOT_FOUND, as for a park that does not exist.
    expect(
      await codeOf(
        pm.enterprises.create.mutate(enterprise("pm-other", "huangyan-smart-park", "91331003MA2WW1Y2X")),
      ),
    ).toBe("NOT_FOUND");
    expect(await codeOf(pm.enterprises.update.mutate({ enterprise: "new-print", name: "x" }))).toBe(
      "NOT_FOUND",
    );
  });

  it("an enterprise-user cannot create or change enterprises, not even their own", async () => {
    const eu = await t.signedIn("enterprise-user");
    expect(
      await codeOf(
        eu.enterprises.create.mutate(enterprise("eu-print", "luqiao-print-park", "91331004MA2WY7Y8X")),
      ),
    ).toBe("FORBIDDEN");
    expect(await codeOf(eu.enterprises.update.mutate({ enterprise: "caihong-print", name: "x" }))).toBe(
      "FORBIDDEN",
    );
  });

  it("a duplicate key or credit code is CONFLICT naming the field", async () => {
    const admin = await t.signedIn("city-admin");
    const byKey = await errorOf(
      admin.enterprises.create.mutate(enterprise("new-print", "jiaojiang-park", "91331002MA2AB1C3D")),
    );
    expect(byKey.data?.code).toBe("CONFLICT");
    expect(byKey.data?.fields?.map((f) => f.field)).toEqual(["key"]);
    const byCode = await errorOf(
      admin.enterprises.create.mutate(enterprise("other-print", "jiaojiang-park", "91331002MA2AB1C2D")),
    );
    expect(byCode.data?.code).toBe("CONFLICT");
    expect(byCode.data?.fields?.map((f) => f.field)).toEqual(["creditCode"]);
    expect(
      await codeOf(
        admin.enterprises.create.mutate({
          ...enterprise("bad-cc", "jiaojiang-park", "91331002MA2AB1C4D"),
          creditCode: "123",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("every write is in the audit log", async () => {
    const rows = await db.handle.db.select().from(auditLog).where(like(auditLog.action, "%.%e"));
    const actions = rows.map((r) => r.action);
    for (const a of ["park.create", "park.update", "enterprise.create", "enterprise.update"]) {
      expect(actions).toContain(a);
    }
  });
});
