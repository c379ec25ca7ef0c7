import { useQuery } from "@tanstack/react-query";
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createContext, type ReactNode, useContext } from "react";
import { type AppRouter, type RouterOutputs, useTRPC } from "../trpc.ts";

export type SessionUser = NonNullable<RouterOutputs["auth"]["me"]>;

const SessionContext = createContext<SessionUser | null>(null);

/** Who is signed in: the session check every page but the wall starts with. */
export const meQuery = (trpc: TRPCOptionsProxy<AppRouter>) => ({
  ...trpc.auth.me.queryOptions(),
  staleTime: 60_000,
  retry: false,
});

/** The signed-in user; null while signed out. */
export function useMe() {
  const trpc = useTRPC();
  return useQuery(meQuery(trpc));
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
