import { isWeftError } from "@weft/core";
import { users } from "@weft/db/schema";
import { describeEachDb, seedTree } from "@weft/db/testing";
import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { verifyPassword } from "../auth/crypto.ts";
import { countAdmins, createAdmin } from "./first-admin.ts";

async function refusal(p: Promise<unknown>): Promise<{ code: string; field: string | undefined }> {
  try {
    await p;
  } catch (err) {
    if (isWeftError(err)) return { code: err.code, field: err.field };
    throw err;
  }
  throw new Error("expected a WeftError");
}

describeEachDb("first administrator", (ctx) => {
  it("an empty brain has no administrator; createAdmin makes one who can sign in", async () => {
    expect(await countAdmins(ctx.handle)).toBe(0);
    const made = await createAdmin(ctx.handle, {
      email: " Ops@Park.Example ",
      name: "Ops",
      password: "a long enough secret",
    });
    expect(made.email).toBe("ops@park.example");
    expect(await countAdmins(ctx.handle)).toBe(1);
    const [row] = await ctx.db.select().from(users).where(eq(users.id, made.id));
    expect(row?.role).toBe("city-admin");
    expect(row?.cityId).toBeNull();
    expect(await verifyPassword("a long enough secret", row?.passwordHash ?? "")).toBe(true);
  });

  it("a second user with the same e-mail, in any case, is CONFLICT on email", async () => {
    const r = await refusal(
      createAdmin(ctx.handle, { email: "OPS@park.example", name: "Other", password: "another long secret" }),
    );
    expect(r).toEqual({ code: "CONFLICT", field: "email" });
  });

  it("bad input names the field: a short password, a malformed e-mail, an unknown city", async () => {
    expect(
      await refusal(createAdmin(ctx.handle, { email: "a@b.example", name: "A", password: "short" })),
    ).toEqual({
      code: "VALIDATION_FAILED",
      field: "password",
    });
    expect(
      await refusal(
        createAdmin(ctx.handle, { email: "not-an-email", name: "A", password: "long enough pw" }),
      ),
    ).toEqual({ code: "VALIDATION_FAILED", field: "email" });
    expect(
      await refusal(
        createAdmin(ctx.handle, {
          email: "c@b.example",
          name: "C",
          password: "long enough pw",
          cityKey: "nowhere",
        }),
      ),
    ).toEqual({ code: "NOT_FOUND", field: "city" });
  });

  it("an administrator confined to a city belongs to it; a disabled one does not count", async () => {
    const tree = await seedTree(ctx.db, { prefix: "adm" });
    const made = await createAdmin(ctx.handle, {
      email: "city@park.example",
      name: "City",
      password: "long enough pw",
      cityKey: "adm-city",
    });
    const [row] = await ctx.db.select().from(users).where(eq(users.id, made.id));
    expect(row?.cityId).toBe(tree.cityId);
    const before = await countAdmins(ctx.handle);
    await ctx.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, made.id));
    expect(await countAdmins(ctx.handle)).toBe(before - 1);
  });
});
