import { alertsRouter } from "./routers/alerts.ts";
import { authRouter } from "./routers/auth.ts";
import { coverageRouter } from "./routers/coverage.ts";
import { displayRouter } from "./routers/display.ts";
import { enterprisesRouter } from "./routers/enterprises.ts";
import { gatewaysRouter } from "./routers/gateways.ts";
import { healthProcedure } from "./routers/health.ts";
import { industriesRouter } from "./routers/industries.ts";
import { ingestRouter } from "./routers/ingest.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { kpiRouter } from "./routers/kpi.ts";
import { machinePageRouter } from "./routers/machine-page.ts";
import { machinesRouter } from "./routers/machines.ts";
import { ordersRouter } from "./routers/orders.ts";
import { parksRouter } from "./routers/parks.ts";
import { rankingsRouter } from "./routers/rankings.ts";
import { systemRouter } from "./routers/system.ts";
import { usersRouter } from "./routers/users.ts";
import { createCallerFactory, createTRPCRouter } from "./trpc.ts";

/** The brain's root router: the one contract with park-admin (types only, via `./router`). */
export const appRouter = createTRPCRouter({
  health: healthProcedure,
  parks: parksRouter,
  enterprises: enterprisesRouter,
  ingest: ingestRouter,
  auth: authRouter,
  gateways: gatewaysRouter,
  machines: machinesRouter,
  machinePage: machinePageRouter,
  kpi: kpiRouter,
  rankings: rankingsRouter,
  industries: industriesRouter,
  jobs: jobsRouter,
  system: systemRouter,
  coverage: coverageRouter,
  users: usersRouter,
  alerts: alertsRouter,
  orders: ordersRouter,
  display: displayRouter,
});

export type AppRouter = typeof appRouter;

/** In-process caller, e.g. `createCaller(createInternalContext(services))`. */
export const createCaller = createCallerFactory(appRouter);
