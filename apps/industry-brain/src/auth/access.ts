import { WeftError } from "@weft/core";
import type { UserRole } from "@weft/db/schema";
import type { BrainContext } from "../context.ts";
import type { Scope as KpiScope } from "../kpi/scope.ts";
import {
  type AlertRow,
  type AlertRuleRow,
  type DisplayTokenRow,
  requireAlert,
  requireAlertRule,
  requireDisplayToken,
} from "./operations.ts";
import type { UserPrincipal } from "./principal.ts";
import {
  type CityRow,
  type EnterpriseRow,
  type GatewayRow,
  type LineRow,
  type MachineRow,
  type ParkRow,
  requireCity,
  requireEnterprise,
  requireGateway,
  requireLine,
  requireMachine,
  requirePark,
  requireUser,
  type UserRow,
} from "./scope.ts";
import { isSystemAdmin } from "./walls.ts";

/**
 * Who may call a procedure. `system-admin` is a city-admin bound to no city: the operator of the
 * whole brain (retention, disk use). Every other role is a `users.role`.
 */
export type AccessRole = UserRole | "system-admin";
export const ALL_ROLES = ["city-admin", "park-manager", "enterprise-user"] as const satisfies AccessRole[];

type Ref = number | string;

/**
 * What one call touches, taken from its input: each named thing is resolved inside the caller's
 * walls (NOT_FOUND when outside them, whether it exists or not) before the procedure runs.
 */
export interface Touches {
  city?: Ref | undefined;
  park?: Ref | undefined;
  /** Several parks (e.g. the parks of a new park manager). */
  parks?: readonly Ref[] | undefined;
  enterprise?: Ref | undefined;
  machine?: Ref | undefined;
  line?: number | undefined;
  gateway?: string | undefined;
  user?: number | undefined;
  alertRule?: number | undefined;
  alert?: number | undefined;
  displayToken?: number | undefined;
}

/** Collections a procedure lists, each narrowed to the caller's walls by the procedure's query. */
export type Listed =
  | "cities"
  | "parks"
  | "enterprises"
  | "machines"
  | "gateways"
  | "jobs"
  | "users"
  | "audit"
  | "coverage"
  | "kpi"
  | "storage"
  | "alerts"
  | "orders"
  | "displays";

/** A procedure's declared access: the one thing every procedure must have (`meta.access`). */
export type Access =
  | { kind: "public"; reason: string }
  | { kind: "self"; reason: string }
  | { kind: "gateway"; reason: string }
  /** A wall display (`Authorization: Display <token>`): read-only figures of the token's city or park. */
  | { kind: "display"; reason: string }
  | {
      kind: "user";
      roles: readonly AccessRole[];
      /** `write`: every touched thing must also be one the caller may change (else FORBIDDEN). */
      mode: "read" | "write";
      /** True when the procedure names things from its input (the `touches` function). */
      touches: boolean;
      lists: readonly Listed[];
    };

export interface Resolved {
  city: CityRow;
  park: ParkRow;
  parks: ParkRow[];
  enterprise: EnterpriseRow;
  machine: MachineRow;
  line: LineRow;
  gateway: GatewayRow;
  user: UserRow;
  alertRule: AlertRuleRow;
  alert: AlertRow;
  displayToken: DisplayTokenRow;
}

/** The rows the layer resolved: required refs give a row, optional ones a row or null. */
export type ScopeOf<T extends Touches> = {
  [K in keyof T & keyof Resolved]-?: undefined extends T[K] ? Resolved[K] | null : Resolved[K];
};

/** FORBIDDEN unless the user has one of the roles (the same answer for every target: no leak). */
export function checkRole(user: UserPrincipal, roles: readonly AccessRole[]): void {
  const ok = roles.some((r) => (r === "system-admin" ? isSystemAdmin(user) : r === user.role));
  if (!ok) {
    const names = roles.map((r) =>
      r === "system-admin" ? "system administrator (a city-admin of no city)" : r,
    );
    throw new WeftError("FORBIDDEN", `this needs the role ${names.join(" or ")}`);
  }
}

/**
 * Who may change what they can see: everyone may change the enterprises, machines and gateways
 * they see; only a city administrator changes parks and cities (a park manager's parks are theirs
 * to fill with enterprises, which `roles` of the procedure allows, not to rename).
 */
function assertWritable(user: UserPrincipal, kind: keyof Touches): void {
  const ok =
    user.role === "city-admin" ||
    (user.role === "park-manager" && kind !== "city") ||
    (user.role === "enterprise-user" && kind !== "city" && kind !== "park" && kind !== "parks");
  if (!ok) throw new WeftError("FORBIDDEN", `you may see this ${kind} but not change it`);
}

/** Resolve every touched thing inside the caller's walls; the procedure gets the rows. */
export async function resolveTouches<T extends Touches>(
  ctx: BrainContext,
  user: UserPrincipal,
  touches: T,
  mode: "read" | "write",
  fields: Partial<Record<keyof Touches, string>> = {},
): Promise<ScopeOf<T>> {
  const out: Partial<Record<keyof Resolved, unknown>> = {};
  for (const kind of Object.keys(touches) as (keyof Touches)[]) {
    const ref = touches[kind];
    if (ref === undefined || ref === null) {
      out[kind] = null;
      continue;
    }
    out[kind] = await resolveOne(ctx, user, kind, ref, fields[kind] ?? kind);
    if (mode === "write") assertWritable(user, kind);
  }
  return out as ScopeOf<T>;
}

async function resolveOne(
  ctx: BrainContext,
  user: UserPrincipal,
  kind: keyof Touches,
  ref: unknown,
  field: string,
): Promise<unknown> {
  switch (kind) {
    case "city":
      return requireCity(ctx, user, ref as Ref, field);
    case "park":
      return requirePark(ctx, user, ref as Ref, field);
    case "parks": {
      const rows: ParkRow[] = [];
      for (const r of new Set(ref as Ref[])) rows.push(await requirePark(ctx, user, r, field));
      return rows;
    }
    case "enterprise":
      return requireEnterprise(ctx, user, ref as Ref, field);
    case "machine":
      return requireMachine(ctx, user, ref as Ref, field);
    case "line":
      return requireLine(ctx, user, ref as number, field);
    case "gateway":
      return requireGateway(ctx, user, ref as string, field);
    case "user":
      return requireUser(ctx, user, ref as number, field);
    case "alertRule":
      return requireAlertRule(ctx, user, ref as number, field);
    case "alert":
      return requireAlert(ctx, user, ref as number, field);
    case "displayToken":
      return requireDisplayToken(ctx, user, ref as number, field);
  }
}

/** What a KPI query's scope touches (an industry scope touches only its optional park). */
export function kpiTouches(scope: KpiScope): Touches {
  switch (scope.kind) {
    case "machine":
      return { machine: scope.id };
    case "line":
      return { line: scope.id };
    case "enterprise":
      return { enterprise: scope.id };
    case "park":
      return { park: scope.id };
    case "industry":
      return { park: scope.park };
    case "city":
      return { city: scope.id };
  }
}
