import { industryDivision, WeftError } from "@weft/core";
import { cities, enterprises, lines, machines, parks } from "@weft/db/schema";
import { and, eq, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { UserPrincipal } from "../auth/principal.ts";
import { enterpriseFilter, requireEnterprise, requireMachine, requirePark } from "../auth/scope.ts";
import type { BrainContext } from "../context.ts";

const Ref = z.union([z.number().int().positive(), z.string().trim().min(1).max(64)]);

/** What a KPI query is about. `industry` takes a GB/T 4754 code (division `C23` or finer). */
export const Scope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("machine"), id: Ref }),
  z.object({ kind: z.literal("line"), id: z.number().int().positive() }),
  z.object({ kind: z.literal("enterprise"), id: Ref }),
  z.object({ kind: z.literal("park"), id: Ref }),
  z.object({
    kind: z.literal("industry"),
    id: z.string().trim().toUpperCase().min(3).max(8),
    park: Ref.optional(),
  }),
  z.object({ kind: z.literal("city"), id: Ref }),
]);
export type Scope = z.infer<typeof Scope>;

export interface ResolvedScope {
  kind: Scope["kind"];
  id: number | string;
  key: string;
  name: string;
  timeZone: string;
  /** The one enterprise a machine, line or enterprise scope is in (its shift calendar shapes "shift" buckets). */
  enterpriseId?: number;
  /** SQL selecting the ids of the machines in scope (already narrowed to what the caller may see). */
  machineIds: SQL;
}

function visibleMachines(user: UserPrincipal, where: SQL | undefined): SQL {
  return sql`(select ${machines.id} from ${machines} join ${enterprises} on ${enterprises.id} = ${machines.enterpriseId}
    where ${and(where, enterpriseFilter(user)) ?? sql`true`})`;
}

/** Check the caller may see the scope and build its machine set; NOT_FOUND for what is not theirs. */
export async function resolveScope(
  ctx: BrainContext,
  user: UserPrincipal,
  scope: Scope,
): Promise<ResolvedScope> {
  const db = ctx.handle.db;
  switch (scope.kind) {
    case "machine": {
      const m = await requireMachine(ctx, user, scope.id);
      const [e] = await db
        .select({ tz: enterprises.timeZone })
        .from(enterprises)
        .where(eq(enterprises.id, m.enterpriseId));
      return {
        kind: "machine",
        id: m.id,
        key: m.key,
        name: m.name,
        timeZone: e?.tz ?? "Asia/Shanghai",
        enterpriseId: m.enterpriseId,
        machineIds: sql`(select ${m.id}::int4)`,
      };
    }
    case "line": {
      const [l] = await db.select().from(lines).where(eq(lines.id, scope.id));
      if (!l)
        throw new WeftError("NOT_FOUND", `line ${scope.id} does not exist or is not visible to you`, {
          field: "scope.id",
        });
      const e = await requireEnterprise(ctx, user, l.enterpriseId);
      return {
        kind: "line",
        id: l.id,
        key: l.key,
        name: l.name,
        timeZone: e.timeZone,
        enterpriseId: e.id,
        machineIds: visibleMachines(user, eq(machines.lineId, l.id)),
      };
    }
    case "enterprise": {
      const e = await requireEnterprise(ctx, user, scope.id);
      return {
        kind: "enterprise",
        id: e.id,
        key: e.key,
        name: e.name,
        timeZone: e.timeZone,
        enterpriseId: e.id,
        machineIds: visibleMachines(user, eq(enterprises.id, e.id)),
      };
    }
    case "park": {
      const p = await requirePark(ctx, user, scope.id);
      const [c] = await db.select({ tz: cities.timeZone }).from(cities).where(eq(cities.id, p.cityId));
      return {
        kind: "park",
        id: p.id,
        key: p.key,
        name: p.name,
        timeZone: c?.tz ?? "Asia/Shanghai",
        machineIds: visibleMachines(user, eq(enterprises.parkId, p.id)),
      };
    }
    case "industry": {
      const div = industryDivision(scope.id);
      if (!div) {
        throw new WeftError("VALIDATION_FAILED", `unknown GB/T 4754 industry code ${scope.id}`, {
          field: "scope.id",
          fix: "use a division such as C23",
        });
      }
      const park = scope.park === undefined ? null : await requirePark(ctx, user, scope.park);
      const code = scope.id.length > 3 ? scope.id : div.code;
      const where = and(
        sql`upper(${enterprises.industryCode}) like ${`${code}%`}`,
        park ? eq(enterprises.parkId, park.id) : undefined,
      );
      return {
        kind: "industry",
        id: code,
        key: code,
        name: div.zh,
        timeZone: "Asia/Shanghai",
        machineIds: visibleMachines(user, where),
      };
    }
    case "city": {
      const byId = typeof scope.id === "number" ? eq(cities.id, scope.id) : eq(cities.key, scope.id);
      const [c] = await db.select().from(cities).where(byId);
      const visible = c && user.role === "city-admin" && (user.cityId === null || user.cityId === c.id);
      if (!c || !visible) {
        throw new WeftError("NOT_FOUND", `city ${scope.id} does not exist or is not visible to you`, {
          field: "scope.id",
        });
      }
      const where = sql`${enterprises.parkId} in (select ${parks.id} from ${parks} where ${parks.cityId} = ${c.id})`;
      return {
        kind: "city",
        id: c.id,
        key: c.key,
        name: c.name,
        timeZone: c.timeZone,
        machineIds: visibleMachines(user, where),
      };
    }
  }
}
