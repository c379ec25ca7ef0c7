import { useQuery } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext } from "react";
import { type RouterOutputs, useTRPC } from "../trpc.ts";

export type SessionUser = NonNullable<RouterOutputs["auth"]["me"]>;

const SessionContext = createContext<SessionUser | null>(null);

/** The signed-in user; null while signed out. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery({ ...trpc.auth.me.queryOptions(), staleTime: 60_000, retry: false });
}

export function SessionProvider({ user, children }: { user: SessionUser; children: ReactNode }) {
  return <SessionContext.Provider value={user}>{children}</SessionContext.Provider>;
}

export function useUser(): SessionUser {
  const u = useContext(SessionContext);
  if (!u) throw new Error("useUser outside a signed-in page");
  return u;
}

/** Pages a role may open (the API enforces the same walls). */
export function canSee(role: SessionUser["role"], page: string): boolean {
  switch (role) {
    case "city-admin":
      return true;
    case "park-manager":
      return page !== "rules-edit";
    case "enterprise-user":
      return (
        page === "enterprise" ||
        page === "machine" ||
        page === "alerts" ||
        page === "ledger" ||
        page === "login" ||
        page === "notFound"
      );
  }
}
