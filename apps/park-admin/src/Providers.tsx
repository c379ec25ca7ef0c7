import { MutationCache, QueryCache, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import { prefetchRoute } from "./lib/prefetch.ts";
import { type AppRouter, errorCode, makeQueryClient, makeTrpcClient, TRPCProvider } from "./trpc.ts";

/**
 * Query client and tRPC client. Any call answered UNAUTHORIZED (session ended, user disabled)
 * refetches `auth.me`, so the app drops to the sign-in page at once instead of showing errors.
 */
function makeClients() {
  const trpcClient = makeTrpcClient();
  let onUnauthorized = () => {};
  const check = (err: unknown) => {
    if (errorCode(err) === "UNAUTHORIZED") onUnauthorized();
  };
  const queryClient = makeQueryClient({
    queryCache: new QueryCache({ onError: check }),
    mutationCache: new MutationCache({ onError: check }),
  });
  const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
  const meKey = trpc.auth.me.queryKey();
  onUnauthorized = () => {
    if (queryClient.getQueryData(meKey)) void queryClient.invalidateQueries({ queryKey: meKey });
  };
  if (typeof location !== "undefined") prefetchRoute(location.pathname, queryClient, trpc);
  return { trpcClient, queryClient };
}

let shared: ReturnType<typeof makeClients> | null = null;

/**
 * The app's query and tRPC clients, made once. `main.tsx` makes them before React's first render,
 * so the opening page's first requests leave while the app is still rendering, not after it.
 */
export function appClients(): ReturnType<typeof makeClients> {
  shared ??= makeClients();
  return shared;
}

export function Providers({ children }: { children: ReactNode }) {
  const [{ trpcClient, queryClient }] = useState(appClients);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
