/**
 * Types only: the brain's tRPC contract for park-admin and other clients.
 * @example
 * import type { AppRouter, RouterOutputs } from "@weft/industry-brain/router";
 * type Parks = RouterOutputs["parks"]["list"];
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./root.ts";

export type { AppRouter };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
