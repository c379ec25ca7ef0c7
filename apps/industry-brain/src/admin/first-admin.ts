/**
 * The brain's first administrator: created from the command line (`weft-brain admin create-user`),
 * because nobody can sign in to create one in the web app before one exists.
 */
import { WeftError } from "@weft/core";
import type { DbHandle } from "@weft/db";
import { cities, users } from "@weft/db/schema";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { hashPassword } from "../auth/crypto.ts";
import { isUniqueViolation } from "../internal/db-errors.ts";

export const AdminInput = z.object({
  email: z.string().trim().toLowerCase().email("give an e-mail address, e.g. admin@example.com").max(200),
  name: z.string().trim().min(1).max(100),
  password: z.string().min(10, "use at least 10 characters").max(200),
  /** Confine the administrator to one city (its key); none: every city. */
  cityKey: z.string().trim().min(1).max(100).optional(),
});
export type AdminInput = z.input<typeof AdminInput>;

/** How many enabled city administrators the brain has. */
export async function countAdmins(handle: DbHandle): Promise<number> {
  const [row] = await handle.db
    .select({ n: sql<number>`count(*)::int` })
    .from(users)
    .where(sql`${users.role} = 'city-admin' and ${users.disabledAt} is null`);
  return Number(row?.n ?? 0);
}

/**
 * Create a city administrator. Bad input or a taken e-mail is a WeftError naming the field.
 * @example await createAdmin(handle, { email: "ops@park.cn", name: "Ops", password: "a long secret" });
 */
export async function createAdmin(
  handle: DbHandle,
  input: AdminInput,
): Promise<{ id: number; email: string }> {
  const parsed = AdminInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "input");
    throw new WeftError("VALIDATION_FAILED", `${field}: ${issue?.message ?? "invalid"}`, {
      field,
      fix: field === "password" ? "choose a password of at least 10 characters" : `correct --${field}`,
    });
  }
  const u = parsed.data;
  let cityId: number | null = null;
  if (u.cityKey) {
    const [city] = await handle.db.select({ id: cities.id }).from(cities).where(eq(cities.key, u.cityKey));
    if (!city)
      throw new WeftError("NOT_FOUND", `no city with the key ${u.cityKey}`, {
        field: "city",
        fix: "give the key of an existing city, or leave --city out for an administrator of every city",
      });
    cityId = city.id;
  }
  const passwordHash = await hashPassword(u.password);
  try {
    return await handle.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ email: u.email, name: u.name, role: "city-admin", passwordHash, cityId })
        .returning({ id: users.id, email: users.email });
      if (!row) throw new WeftError("INTERNAL", "the user was not stored");
      await audit(tx, null, "user.create", `user:${row.id}`, {
        email: u.email,
        role: "city-admin",
        via: "cli",
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new WeftError("CONFLICT", `a user with the e-mail ${u.email} already exists`, {
        field: "email",
        fix: "use another e-mail, or sign in with the existing user",
        cause: err,
      });
    throw err;
  }
}

/** What an operator reads when a production brain has no administrator yet. */
export const NO_ADMIN_MESSAGE = [
  "weft-brain: this database has no administrator, so nobody could sign in to park-admin.",
  "Create the first one, then start the brain again:",
  "  printf '%s\\n' \"$ADMIN_PASSWORD\" | weft-brain admin create-user --email you@example.com --name 'Your Name' --password-stdin",
  "(same --database-url / DATABASE_URL as the brain; --seed-demo loads demo users instead).",
].join("\n");
