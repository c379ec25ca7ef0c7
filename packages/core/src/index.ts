export {
  AssetKey,
  City,
  Enterprise,
  Line,
  MACHINE_KINDS,
  Machine,
  MachineKind,
  Park,
  Point,
} from "./asset.ts";
export {
  BatchPart,
  BatchReading,
  EARLIEST_READING_MS,
  MAX_BATCH_READINGS,
  MAX_FUTURE_SKEW_MS,
  partsProblem,
  ReadingBatch,
} from "./batch.ts";
export { CounterSpec, counterMax } from "./counter-spec.ts";
export {
  CREDIT_CODE_ALPHABET,
  type CreditCodeProblem,
  creditCodeCheckChar,
  creditCodeProblem,
  isValidCreditCode,
} from "./credit-code.ts";
export { CreditCode } from "./credit-code-schema.ts";
export { isWeftError, WeftError, type WeftErrorCode, type WeftErrorOptions } from "./errors.ts";
export { IndustryCode, type IndustryDivision, industryDivision, industryDivisions } from "./industry.ts";
export {
  IngestPushOutput,
  IngestStateInput,
  IngestStateOutput,
  RejectedReading,
  SEQ_STATE_LIMIT,
} from "./ingest.ts";
export { EpochMs, QUALITIES, Quality, Reading, type ReadingSink, ReadingValue } from "./reading.ts";
export {
  COUNTER_ROLES,
  type CounterRole,
  isCounterRole,
  MACHINE_STATES,
  MachineState,
  SIGNAL_ROLES,
  SignalRole,
} from "./signals.ts";
export { type FieldIssue, formatZodIssues } from "./zod-issues.ts";
