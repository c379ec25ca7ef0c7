import { QueryClient, type QueryClientConfig } from "@tanstack/react-query";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter, RouterInputs, RouterOutputs } from "@weft/industry-brain/router";

export type { AppRouter, RouterInputs, RouterOutputs };

/** The typed React bindings: `useTRPC()` gives query/mutation option factories. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** A tRPC client for the brain at `base` (default: same origin, `/trpc`). Sends the session cookie. */
export function makeTrpcClient(base = "") {
  const url = `${base}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, eventSourceOptions: () => ({ withCredentials: true }) }),
        false: httpBatchLink({
          url,
          maxURLLength: 4_000,
          headers: displayHeaders,
          fetch: (input, init) => fetch(input, { ...init, credentials: "include" }),
        }),
      }),
    ],
  });
}

/** The wall display's token, from the address fragment (`/wall#token=…`: never sent in a URL). */
export function displayToken(): string | null {
  if (typeof location === "undefined" || !location.pathname.startsWith("/wall")) return null;
  return new URLSearchParams(location.hash.slice(1)).get("token");
}

function displayHeaders(): Record<string, string> {
  const token = displayToken();
  return token ? { authorization: `Display ${token}` } : {};
}

export function makeQueryClient(config: Omit<QueryClientConfig, "defaultOptions"> = {}): QueryClient {
  return new QueryClient({
    ...config,
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        retry: (count, err) => !(err instanceof TRPCClientError && isClientError(err)) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
}

function isClientError(err: TRPCClientError<AppRouter>): boolean {
  const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
  return status >= 400 && status < 500;
}

/** The tRPC error code of an error (`UNAUTHORIZED`, `FORBIDDEN`, …), or null. */
export function errorCode(err: unknown): string | null {
  if (err instanceof TRPCClientError) {
    const code = (err.data as { code?: string } | undefined)?.code;
    return typeof code === "string" ? code : null;
  }
  return null;
}
