export { scaleDelta, shareIn, spreadOverBuckets } from "./apportion.ts";
export {
  BUCKET_FIELDS,
  type Bucket,
  bucketize,
  bucketStart,
  elementsFromBuckets,
  emptyBucket,
  sumBuckets,
  sumBucketsIn,
} from "./buckets.ts";
export {
  defaultCalendar,
  plannedBusyWindows,
  plannedTime,
  Shift,
  ShiftBreak,
  ShiftCalendar,
  type ShiftCalendarInput,
  type ShiftInstance,
  shiftsIn,
  type TimeRange,
  WEEKDAYS,
  Weekday,
} from "./calendar.ts";
export {
  type AdvanceCounterResult,
  advanceCounter,
  type CounterDelta,
  type CounterDeltaAt,
  type CounterDeltaKind,
  type CounterOptions,
  type CounterReading,
  type CounterTracker,
  type CounterType,
  type CounterValue,
  counterDelta,
  createCounterTracker,
} from "./counter.ts";
export {
  addElements,
  ELEMENT_KEYS,
  type Elements,
  elementsFromIntervals,
  elementsFromTotals,
  emptyElements,
  type PlanBasis,
  type PlannedSource,
  type QuantityDelta,
  sumElements,
  type Totals,
  totalsIn,
} from "./elements.ts";
export { type CalendarUse, type KpiFlag, type Kpis, kpisFromElements, ratio } from "./kpis.ts";
export {
  type AdvanceMachineResult,
  advanceMachine,
  createMachineTracker,
  type MachineBatch,
  type MachineKpiConfig,
  type MachineTracker,
  replayMachine,
  splitMachineReadings,
} from "./machine.ts";
export {
  advanceMicrostops,
  applyMicrostops,
  confirmedOpen,
  createMicrostopTracker,
  DEFAULT_MICROSTOP_MS,
  type MicrostopTracker,
} from "./microstops.ts";
export { quantitiesFromCounter } from "./quantities.ts";
export { type ReplayPlan, replayCounter, replayPlan, replayStates } from "./replay.ts";
export {
  type AdvanceStateResult,
  advanceState,
  createStateTracker,
  mergeAdjacent,
  openIntervals,
  type StateInterval,
  type StateReading,
  type StateTracker,
  sortReadings,
  stateIntervals,
} from "./state-intervals.ts";
export {
  fromJdfDeviceStatus,
  fromMachineryItemState,
  fromPackML,
  fromRobot,
  PACKML_STATES,
  type RobotStatus,
} from "./state-mappings.ts";
export {
  isValidTimeZone,
  localDayStart,
  localHourStart,
  localMonthStart,
  zonedToUtc,
  zoneOffsetMs,
} from "./zone.ts";
