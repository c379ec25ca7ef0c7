import { WeftError } from "@weft/core";
import type { WeftExecutor } from "@weft/db";
import { enterprises, parks, sessions, USER_ROLES, userParks, users } from "@weft/db/schema";
import { and, asc, eq, gt, inArray, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import { audit } from "../audit.ts";
import { hashPassword } from "../auth/crypto.ts";
import { userFilter } from "../auth/scope.ts";
import { isUniqueViolation } from "../internal/db-errors.ts";
import { createTRPCRouter, scopedProcedure } from "../trpc.ts";

export const UserRoleInput = z.enum(USER_ROLES);

/** One user as the admin UI sees it (no password hash, ever). */
export interface UserItem {
  id: number;
  email: string;
  name: string;
  role: "city-admin" | "park-manager" | "enterprise-user";
  parkKeys: string[];
  enterpriseKey: string | null;
  disabled: boolean;
  /** Epoch ms. */
  createdAt: number;
}

const ListInput = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().max(40).nullish(),
});

const CreateInput = z
  .object({
    email: z.string().trim().toLowerCase().email().max(200),
    name: z.string().trim().min(1).max(100),
    role: UserRoleInput,
    password: z.string().min(10, "use at least 10 characters").max(200),
    parkKeys: z.array(z.string().trim().min(1).max(100)).max(500).optional(),
    enterpriseKey: z.string().trim().min(1).max(100).optional(),
  })
  .superRefine((u, c) => {
    if (u.role === "park-manager" && (u.parkKeys?.length ?? 0) === 0) {
      c.addIssue({ code: "custom", path: ["parkKeys"], message: "a park manager needs at least one park" });
    }
    if (u.role === "enterprise-user" && !u.enterpriseKey) {
      c.addIssue({
        code: "custom",
        path: ["enterpriseKey"],
        message: "an enterprise user needs an enterprise",
      });
    }
  });

const SetDisabledInput = z.object({ id: z.number().int().positive(), disabled: z.boolean() });

/** Decode a list cursor (the last id of the previous page). */
function afterId(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined || cursor === "") return 0;
  const n = Number(cursor);
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new WeftError("VALIDATION_FAILED", "this cursor is not one the API returned", {
      field: "cursor",
      fix: "pass nextCursor from the previous page, or null for the first page",
    });
  }
  return n;
}

/** Load users as items, in id order. */
async function loadItems(db: WeftExecutor, where: SQL | undefined, limit?: number) {
  const base = db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: users.role,
      enterpriseKey: enterprises.key,
      disabledAt: users.disabledAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(enterprises, eq(enterprises.id, users.enterpriseId))
    .where(where)
    .orderBy(asc(users.id));
  const rows = limit === undefined ? await base : await base.limit(limit);
  const ids = rows.map((r) => r.id);
  const parkRows =
    ids.length === 0
      ? []
      : await db
          .select({ userId: userParks.userId, key: parks.key })
          .from(userParks)
          .innerJoin(parks, eq(parks.id, userParks.parkId))
          .where(inArray(userParks.userId, ids))
          .orderBy(asc(parks.key));
  const byUser = new Map<number, string[]>();
  for (const p of parkRows) {
    const list = byUser.get(p.userId) ?? [];
    list.push(p.key);
    byUser.set(p.userId, list);
  }
  return rows.map(
    (r): UserItem => ({
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      parkKeys: byUser.get(r.id) ?? [],
      enterpriseKey: r.enterpriseKey ?? null,
      disabled: r.disabledAt !== null,
      createdAt: new Date(r.createdAt).getTime(),
    }),
  );
}

async function loadItem(db: WeftExecutor, id: number, scope?: SQL): Promise<UserItem> {
  const [item] = await loadItems(db, and(eq(users.id, id), scope));
  if (!item) throw new WeftError("NOT_FOUND", `no user with id ${id}`, { field: "id" });
  return item;
}

export const usersRouter = createTRPCRouter({
  /**
   * Users of the administrator's city, oldest first, in pages (`nextCursor` null on the last page).
   * City administrators only.
   */
  list: scopedProcedure({
    roles: ["city-admin"],
    input: ListInput.default({ limit: 50 }),
    lists: ["users"],
  }).query(async ({ ctx, input }): Promise<{ items: UserItem[]; nextCursor: string | null }> => {
    const after = afterId(input.cursor);
    const rows = await loadItems(
      ctx.handle.db,
      and(gt(users.id, after), userFilter(ctx.user)),
      input.limit + 1,
    );
    const items = rows.slice(0, input.limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > input.limit && last ? String(last.id) : null };
  }),

  /**
   * Create a user of the administrator's city; the password is hashed with argon2id. Parks and the
   * enterprise named must be inside the administrator's walls (NOT_FOUND otherwise). A duplicate
   * e-mail is CONFLICT on `email` (e-mails are one namespace: they sign in).
   */
  create: scopedProcedure({
    roles: ["city-admin"],
    mode: "write",
    input: CreateInput,
    touches: (i) => ({
      parks: i.role === "park-manager" ? i.parkKeys : undefined,
      enterprise: i.role === "enterprise-user" ? i.enterpriseKey : undefined,
    }),
    fields: { parks: "parkKeys", enterprise: "enterpriseKey" },
    lists: ["users"],
  }).mutation(async ({ ctx, input }): Promise<UserItem> => {
    const { db } = ctx.handle;
    const [dup] = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`lower(${users.email}) = ${input.email}`);
    if (dup) {
      throw new WeftError("CONFLICT", `a user with the e-mail ${input.email} already exists`, {
        field: "email",
        fix: "use another e-mail, or enable the existing user",
      });
    }
    // The new user belongs to the administrator's city (or, for one without a city, to the city of
    // the parks or enterprise named); parks and enterprises of other cities do not exist here.
    let cityId: number | null = ctx.user.cityId;
    const parkIds = (ctx.scope.parks ?? []).map((p) => p.id);
    cityId ??= ctx.scope.parks?.[0]?.cityId ?? null;
    const enterpriseId = ctx.scope.enterprise?.id ?? null;
    if (cityId === null && ctx.scope.enterprise) {
      const [p] = await db
        .select({ cityId: parks.cityId })
        .from(parks)
        .where(eq(parks.id, ctx.scope.enterprise.parkId));
      cityId = p?.cityId ?? null;
    }
    const passwordHash = await hashPassword(input.password);
    let id: number;
    try {
      id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(users)
          .values({
            email: input.email,
            name: input.name,
            role: input.role,
            passwordHash,
            cityId,
            enterpriseId,
          })
          .returning({ id: users.id });
        if (!row) throw new WeftError("INTERNAL", "the user was not stored");
        if (parkIds.length > 0) {
          await tx.insert(userParks).values(parkIds.map((parkId) => ({ userId: row.id, parkId })));
        }
        await audit(tx, ctx.principal, "user.create", `user:${row.id}`, {
          email: input.email,
          role: input.role,
          parkKeys: input.role === "park-manager" ? input.parkKeys : undefined,
          enterpriseKey: input.role === "enterprise-user" ? input.enterpriseKey : undefined,
        });
        return row.id;
      });
    } catch (err) {
      // Two admins racing the same e-mail: the unique index decides.
      if (isUniqueViolation(err)) {
        throw new WeftError("CONFLICT", `a user with the e-mail ${input.email} already exists`, {
          field: "email",
          cause: err,
        });
      }
      throw err;
    }
    return loadItem(db, id);
  }),

  /**
   * Disable or enable a user. Disabling ends all of their sessions at once; a disabled user cannot
   * sign in. An administrator cannot disable themself.
   */
  setDisabled: scopedProcedure({
    roles: ["city-admin"],
    mode: "write",
    input: SetDisabledInput,
    touches: (i) => ({ user: i.id }),
  }).mutation(async ({ ctx, input }): Promise<UserItem> => {
    if (input.disabled && input.id === ctx.user.id) {
      throw new WeftError("VALIDATION_FAILED", "you cannot disable your own account", {
        field: "id",
        fix: "ask another city administrator",
      });
    }
    const { db } = ctx.handle;
    const scope = userFilter(ctx.user);
    await db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ disabledAt: input.disabled ? sql`coalesce(${users.disabledAt}, now())` : null })
        .where(and(eq(users.id, input.id), scope))
        .returning({ id: users.id });
      if (!row) throw new WeftError("NOT_FOUND", `no user with id ${input.id}`, { field: "id" });
      let signedOut = 0;
      if (input.disabled) {
        const ended = await tx
          .delete(sessions)
          .where(and(eq(sessions.userId, input.id)))
          .returning({ t: sessions.tokenHash });
        signedOut = ended.length;
      }
      await audit(tx, ctx.principal, input.disabled ? "user.disable" : "user.enable", `user:${input.id}`, {
        sessionsEnded: signedOut,
      });
    });
    return loadItem(db, input.id, scope);
  }),
});
