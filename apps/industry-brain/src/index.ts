/**
 * @weft/industry-brain — the tRPC service: ingest, KPIs, parks, enterprises, jobs, coverage and auth.
 * @example
 * import { createDb } from "@weft/db";
 * import { seedDemo, startBrain } from "@weft/industry-brain";
 * const db = await createDb();
 * const demo = await seedDemo(db);
 * const brain = await startBrain({ db, port: 3000, staticDir: "apps/park-admin/dist" });
 */
export { type DeliveryResult, deliverDue } from "./alerts/deliver.ts";
export { type EvaluationResult, evaluateAlerts } from "./alerts/evaluator.ts";
export { apiKeyFromSeed, hashPassword, needsRehash, newApiKey, verifyPassword } from "./auth/crypto.ts";
export { DEFAULT_LOGIN_LIMITS, type LoginLimits } from "./auth/login-throttle.ts";
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
export { type BodyLimits, DEFAULT_BODY_LIMITS } from "./http/body.ts";
export { parseTrustProxy, type TrustProxy } from "./http/proxy.ts";
export { DEFAULT_DERIVE, type IngestResult, ingestBatch } from "./ingest/service.ts";
export {
  type MqttIngestOptions,
  type MqttIngestStatus,
  type RunningMqttIngest,
  receiptTopic,
  startMqttIngest,
} from "./mqtt/ingest.ts";
export { type NeuronMap, parseNeuronMap } from "./mqtt/neuron.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export type { RouterInputs, RouterOutputs } from "./router.ts";
export { type BackfillOptions, type BackfillResult, backfillDemo } from "./seed/backfill.ts";
export { DEMO_CALENDARS, roundTheClock, seedDemoCalendars } from "./seed/calendars.ts";
export { completeCreditCode, type DemoGateway, type DemoSeed, seedDemo } from "./seed/demo.ts";
export {
  DEFAULT_HOST,
  DEFAULT_LIMITS,
  DEFAULT_SETTINGS,
  type RunningBrain,
  type StartBrainOptions,
  startBrain,
} from "./server.ts";
