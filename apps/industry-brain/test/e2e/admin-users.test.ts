import { auditLog, cities, enterprises, parks, users } from "@weft/db/schema";
import { describeEachDb } from "@weft/db/testing";
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { client, codeOf, errorOf, startTestBrain, type TestBrain } from "../harness.ts";

describeEachDb("users admin API", (db) => {
  let t: TestBrain;
  beforeAll(async () => {
    t = await startTestBrain(db.handle);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("a city-admin sees and manages only the users, parks and enterprises of their city", async () => {
    // Another city with a park, an enterprise and a park manager, written straight to the database.
    const { db: d } = db.handle;
    const [city] = await d.insert(cities).values({ key: "wenzhou", name: "温州" }).returning();
    const [park] = await d
      .insert(parks)
      .values({ key: "ouhai-park", name: "瓯海园区", cityId: city?.id ?? 0 })
      .returning();
    await d.insert(enterprises).values({
      key: "ouhai-shoes",
      name: "瓯海鞋业",
      parkId: park?.id ?? 0,
      creditCode: "91330304MA2ABCDE1X",
      industryCode: "C19",
    });
    const [other] = await d
      .insert(users)
      .values({
        email: "wz@example.com",
        name: "WZ",
        role: "city-admin",
        passwordHash: "x",
        cityId: city?.id,
      })
      .returning();
    const admin = await t.signedIn("city-admin");
    const listed = (await admin.users.list.query({ limit: 200 })).items.map((u) => u.email);
    expect(listed).toContain("city@weft.demo");
    expect(listed).not.toContain("wz@example.com");
    expect(await codeOf(admin.users.setDisabled.mutate({ id: other?.id ?? 0, disabled: true }))).toBe(
      "NOT_FOUND",
    );
    const [still] = await d
      .select()
      .from(users)
      .where(eq(users.id, other?.id ?? 0));
    expect(still?.disabledAt).toBeNull();
    const pm = await errorOf(
      admin.users.create.mutate({
        email: "pm-wz@example.com",
        name: "PM",
        role: "park-manager",
        password: "a-long-password-9",
        parkKeys: ["ouhai-park"],
      }),
    );
    expect(pm.data?.code).toBe("NOT_FOUND");
    expect(pm.message).toMatch(/ouhai-park/);
    expect(
      await codeOf(
        admin.users.create.mutate({
          email: "eu-wz@example.com",
          name: "EU",
          role: "enterprise-user",
          password: "a-long-password-9",
          enterpriseKey: "ouhai-shoes",
        }),
      ),
    ).toBe("NOT_FOUND");
  });

  it("a city-admin creates each kind of user and lists them in pages", async () => {
    const admin = await t.signedIn("city-admin");
    const pm = await admin.users.create.mutate({
      email: "New.Manager@Example.com",
      name: "New Manager",
      role: "park-manager",
      password: "a-long-password-1",
      parkKeys: ["luqiao-print-park"],
    });
    expect(pm).toMatchObject({
      email: "new.manager@example.com",
      name: "New Manager",
      role: "park-manager",
      parkKeys: ["luqiao-print-park"],
      enterpriseKey: null,
      disabled: false,
    });
    expect(pm.createdAt).toBeGreaterThan(Date.now() - 60_000);
    const eu = await admin.users.create.mutate({
      email: "worker@example.com",
      name: "Worker",
      role: "enterprise-user",
      password: "a-long-password-2",
      enterpriseKey: "caihong-print",
    });
    expect(eu).toMatchObject({ role: "enterprise-user", enterpriseKey: "caihong-print", parkKeys: [] });

    const first = await admin.users.list.query({ limit: 2 });
    expect(first.items.length).toBe(2);
    expect(first.nextCursor).not.toBeNull();
    const all = [...first.items];
    let cursor = first.nextCursor;
    while (cursor !== null) {
      const page = await admin.users.list.query({ limit: 2, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    }
    const emails = all.map((u) => u.email);
    expect(emails).toContain("new.manager@example.com");
    expect(emails).toContain("worker@example.com");
    expect(new Set(all.map((u) => u.id)).size).toBe(all.length);
    expect((await admin.users.list.query({})).items.length).toBe(all.length);

    const logged = await db.handle.db.select().from(auditLog).where(like(auditLog.action, "user.%"));
    expect(logged.filter((r) => r.action === "user.create").length).toBe(2);
  });

  it("the new user can sign in with the password given", async () => {
    const c = client(t.url);
    const me = await c.auth.login.mutate({ email: "worker@example.com", password: "a-long-password-2" });
    expect(me.role).toBe("enterprise-user");
  });

  it("rejects a duplicate e-mail with CONFLICT on `email`, and missing scope fields with BAD_REQUEST", async () => {
    const admin = await t.signedIn("city-admin");
    const err = await errorOf(
      admin.users.create.mutate({
        email: "WORKER@example.com",
        name: "Again",
        role: "city-admin",
        password: "a-long-password-3",
      }),
    );
    expect(err.data?.code).toBe("CONFLICT");
    expect(err.data?.fields?.map((f) => f.field)).toEqual(["email"]);
    expect(
      await codeOf(
        admin.users.create.mutate({
          email: "pm2@example.com",
          name: "PM",
          role: "park-manager",
          password: "x".repeat(12),
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        admin.users.create.mutate({
          email: "eu2@example.com",
          name: "EU",
          role: "enterprise-user",
          password: "x".repeat(12),
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        admin.users.create.mutate({
          email: "short@example.com",
          name: "S",
          role: "city-admin",
          password: "short",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("only a city-admin may list, create or disable users", async () => {
    for (const role of ["park-manager", "enterprise-user"] as const) {
      const c = await t.signedIn(role);
      expect(await codeOf(c.users.list.query({}))).toBe("FORBIDDEN");
      expect(
        await codeOf(
          c.users.create.mutate({
            email: `x-${role}@example.com`,
            name: "X",
            role: "city-admin",
            password: "x".repeat(12),
          }),
        ),
      ).toBe("FORBIDDEN");
      expect(await codeOf(c.users.setDisabled.mutate({ id: 1, disabled: true }))).toBe("FORBIDDEN");
    }
    expect(await codeOf(client(t.url).users.list.query({}))).toBe("UNAUTHORIZED");
  });

  it("disabling a user signs them out at once and blocks sign-in; enabling lets them back", async () => {
    const admin = await t.signedIn("city-admin");
    const worker = client(t.url);
    await worker.auth.login.mutate({ email: "worker@example.com", password: "a-long-password-2" });
    expect(await worker.auth.me.query()).not.toBeNull();
    const list = await admin.users.list.query({ limit: 200 });
    const target = list.items.find((u) => u.email === "worker@example.com");
    if (!target) throw new Error("worker missing");

    const off = await admin.users.setDisabled.mutate({ id: target.id, disabled: true });
    expect(off.disabled).toBe(true);
    expect(await worker.auth.me.query()).toBeNull();
    expect(
      await codeOf(
        worker.kpi.oee.query({
          scope: { kind: "enterprise", id: "caihong-print" },
          range: { from: 0, to: 3_600_000 },
        }),
      ),
    ).toBe("UNAUTHORIZED");
    const err = await errorOf(
      client(t.url).auth.login.mutate({ email: "worker@example.com", password: "a-long-password-2" }),
    );
    expect(err.data?.code).toBe("UNAUTHORIZED");
    expect(err.message).toMatch(/disabled/);
    // A wrong password still says only that.
    const wrong = await errorOf(
      client(t.url).auth.login.mutate({ email: "worker@example.com", password: "nope-nope-nope" }),
    );
    expect(wrong.message).not.toMatch(/disabled/);

    const on = await admin.users.setDisabled.mutate({ id: target.id, disabled: false });
    expect(on.disabled).toBe(false);
    const again = client(t.url);
    await again.auth.login.mutate({ email: "worker@example.com", password: "a-long-password-2" });
    expect((await again.auth.me.query())?.email).toBe("worker@example.com");
  });

  it("a city-admin cannot disable themself; an unknown id is NOT_FOUND", async () => {
    const admin = await t.signedIn("city-admin");
    const me = await admin.auth.me.query();
    if (!me) throw new Error("not signed in");
    expect(await codeOf(admin.users.setDisabled.mutate({ id: me.id, disabled: true }))).toBe("BAD_REQUEST");
    expect(await codeOf(admin.users.setDisabled.mutate({ id: 999_999, disabled: true }))).toBe("NOT_FOUND");
    expect(await admin.auth.me.query()).not.toBeNull();
  });
});
