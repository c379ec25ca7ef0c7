import type { MessageKey } from "../i18n/index.tsx";
import type { RouterOutputs } from "../trpc.ts";

export type Role = RouterOutputs["users"]["list"]["items"][number]["role"];

export const ROLES: readonly Role[] = ["city-admin", "park-manager", "enterprise-user"];

const ROLE_LABEL: Record<Role, MessageKey> = {
  "city-admin": "role.city-admin",
  "park-manager": "role.park-manager",
  "enterprise-user": "role.enterprise-user",
};

/** The message key of a role's name. */
export const roleLabel = (r: Role): MessageKey => ROLE_LABEL[r];
