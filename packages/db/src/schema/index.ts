/**
 * The drizzle schema. Importing this module opens no connection.
 * @example import { machines, readings } from "@weft/db/schema";
 */
export { cities, enterprises, lines, machines, parks, points } from "./assets.ts";
export { auditLog, rateLimits, sessions, USER_ROLES, type UserRole, userParks, users } from "./auth.ts";
export { enterpriseCalendars } from "./calendars.ts";
export {
  type CoverageRuleItem,
  coverageDeclarations,
  coverageRuleSets,
  coverageSnapshots,
} from "./coverage.ts";
export { gateways, ingestedBatches, QUALITY_CODES, readings } from "./ingest.ts";
export {
  ALERT_KINDS,
  ALERT_STATUSES,
  type AlertKind,
  type AlertParams,
  type AlertStatus,
  alertDeliveries,
  alertEvents,
  alertRules,
  alerts,
  displayTokens,
  jobOrders,
  settlementRates,
  WEBHOOK_FORMATS,
  type WebhookFormat,
} from "./operations.ts";
export { counterAnomalies, jobs, machineCounters, machineLive, machineStateIntervals } from "./production.ts";
export {
  enterpriseDailyRollups,
  enterpriseMonthlyRollups,
  machineDailyRollups,
  machineHourlyRollups,
  machineMinuteRollups,
  ROLLUP_FIELDS,
  type RollupField,
} from "./rollups.ts";
export {
  cityInsert,
  citySelect,
  coverageDeclarationInsert,
  enterpriseInsert,
  enterpriseSelect,
  gatewaySelect,
  lineInsert,
  machineInsert,
  machineSelect,
  parkInsert,
  parkSelect,
  pointInsert,
} from "./zod.ts";
