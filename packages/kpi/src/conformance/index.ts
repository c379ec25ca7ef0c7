export {
  type CaseCounter,
  type CaseReading,
  type ConformanceCase,
  caseReadings,
  counterSamples,
  stateAt,
} from "./case.ts";
export { conformanceCases } from "./cases.ts";
export { evaluateCase } from "./evaluate.ts";
