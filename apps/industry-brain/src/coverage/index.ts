/** Coverage (docs/domain/coverage.md): pure rule evaluation plus the brain-side I/O around it. */
export { type CoverageReport, computeCoverage, loadRuleSet } from "./compute.ts";
export { DECLARATION_VALUES, type Declaration } from "./declarations.ts";
export {
  type EnterpriseFacts,
  evaluateEnterprise,
  evaluatePark,
  type ItemResult,
  type ParkFacts,
} from "./evaluate.ts";
export { exportCoverage } from "./export.ts";
export { MAX_IMPORT_BYTES, readTable, validateImport } from "./import.ts";
export { DEFAULT_RULE_SET, ENTERPRISE_ITEMS, mergeWithDefaults, PARK_ITEMS, RuleSetInput } from "./rules.ts";
export { type SnapshotSchedule, startCoverageSnapshots } from "./schedule.ts";
export { coverageHistory, dayOf, snapshotCoverage } from "./snapshot.ts";
