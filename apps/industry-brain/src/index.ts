/**
 * @weft/industry-brain — the tRPC service: ingest, KPIs, parks, enterprises, jobs, coverage and auth.
 * @example
 * import { createDb } from "@weft/db";
 * import { seedDemo, startBrain } from "@weft/industry-brain";
 * const db = await createDb();
 * const demo = await seedDemo(db);
 * const brain = await startBrain({ db, port: 3000, staticDir: "apps/park-admin/dist" });
 */
export { apiKeyFromSeed, hashPassword, newApiKey, verifyPassword } from "./auth/crypto.ts";
export type { GatewayPrincipal, Principal, UserPrincipal } from "./auth/principal.ts";
export {
  type BrainContext,
  type BrainLimits,
  type BrainServices,
  type BrainSettings,
  createInternalContext,
} from "./context.ts";
export { type Env, readEnv } from "./env.ts";
export { trpcCodeFor, type WeftErrorData } from "./errors.ts";
export { type IngestResult, ingestBatch } from "./ingest/service.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export type { RouterInputs, RouterOutputs } from "./router.ts";
export { completeCreditCode, type DemoGateway, type DemoSeed, seedDemo } from "./seed/demo.ts";
export {
  DEFAULT_LIMITS,
  DEFAULT_SETTINGS,
  type RunningBrain,
  type StartBrainOptions,
  startBrain,
} from "./server.ts";
