/**
 * @weft/db — schema, client factory, migrations and the fast ingest writer.
 * `@weft/db/schema` has the tables alone (no connection); `@weft/db/testing` the test helpers.
 */
export { type CreateDbOptions, createDb, type DbHandle, dbOptionsFromEnv } from "./client.ts";
export {
  type BatchPartRecord,
  type GatewaySeqState,
  gatewaySeqState,
  type IngestRawBatchOptions,
  type IngestRawBatchResult,
  ingestRawBatch,
  type RawBatch,
  type RecordedParts,
  recordBatch,
  recordBatchParts,
  SEQ_STATE_LIMIT,
} from "./ingest/batch.ts";
export {
  type EncodedReadings,
  encodeReadings,
  qualityOf,
  ReadingEncoder,
  type ReadingRow,
  readingValueOf,
} from "./ingest/encode.ts";
export { DEFAULT_CHUNK_SIZE, type InsertReadingsOptions, insertReadings } from "./ingest/readings.ts";
export { type PgArrayType, pgArray } from "./internal/pg-array.ts";
export { queryPrepared, queryRows, rowsOf, toDate } from "./internal/rows.ts";
export { type JobDelta, jobsSql, upsertJobs } from "./jobs.ts";
export {
  type CounterAnomalyRow,
  type CounterState,
  type CounterStateUpdate,
  counterAnomaliesSql,
  counterStatesSql,
  getCounterStates,
  type MachineLiveUpdate,
  machineLiveSql,
  upsertCounterStates,
  upsertMachineLive,
} from "./live.ts";
export { MIGRATIONS_FOLDER, type MigrateResult, migrate } from "./migrate.ts";
export {
  ensurePartitionDays,
  ensurePartitions,
  listPartitions,
  partitionName,
  type ReadingPartition,
} from "./partitions.ts";
export {
  type DiskUsage,
  diskUsage,
  dropExpiredPartitions,
  type RetentionOptions,
  type RetentionResult,
} from "./retention.ts";
export {
  ROLLUP_COLUMNS,
  type RollupDelta,
  type RollupWrites,
  rollupDeltasSql,
  type SharedWrites,
} from "./rollup-deltas.ts";
export {
  type MinuteRollupRow,
  minuteRollupsSql,
  rebuildEnterpriseRollups,
  rebuildHourlyDaily,
  upsertMinuteRollups,
} from "./rollups.ts";
export {
  type ApplyStateResult,
  applyStateTransitions,
  closeOpenIntervals,
  type StateSpan,
  type StateTransition,
  stateSpans,
} from "./state.ts";
export type { DbDriver, WeftDb, WeftExecutor, WeftSchema, WeftTx } from "./types.ts";
export { runWrites } from "./writes.ts";
