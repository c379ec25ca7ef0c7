import type { QueryClient } from "@tanstack/react-query";
import type { TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { machinePageQueries, machineRef } from "../machine/queries.ts";
import type { AppRouter } from "../trpc.ts";
import { lastDays } from "./range.ts";
import { matchRoute } from "./router.tsx";
import { meQuery } from "./session.tsx";

/**
 * Start the session check (`auth.me`) and the first queries of the page the app opens on in one
 * batch, before React's first render, so a page loaded by its address costs one round trip to the
 * brain instead of two. Only the machine page, the heaviest, starts its own queries here. A caller who is not signed in gets 401s that nobody shows: the app goes
 * to the sign-in page, and the page's own queries run again once it mounts.
 */
export function prefetchRoute(
  path: string,
  queryClient: QueryClient,
  trpc: TRPCOptionsProxy<AppRouter>,
): void {
  const route = matchRoute(path);
  // The wall signs in with its display token and never asks who is signed in.
  if (route.page === "wall") return;
  void queryClient.prefetchQuery(meQuery(trpc));
  if (route.page !== "machine") return;
  const [overview, timeline, trends, signal, jobs] = machinePageQueries(
    trpc,
    machineRef(route.key),
    lastDays(1),
    true,
  );
  void queryClient.prefetchQuery(overview);
  void queryClient.prefetchQuery(timeline);
  void queryClient.prefetchQuery(trends);
  void queryClient.prefetchQuery(signal);
  void queryClient.prefetchQuery(jobs);
}
