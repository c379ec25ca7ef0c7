export {
  type ConformanceDevice,
  type ConformanceFixture,
  type InvalidConfigCase,
  runConnectorConformance,
} from "./conformance.ts";
export { collectReadings, type ReadingCollector, waitFor } from "./helpers.ts";
