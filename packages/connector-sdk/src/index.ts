export { Backoff, type BackoffOptions, backoffDelay, sleep } from "./backoff.ts";
export {
  type Connector,
  type ConnectorLogger,
  type ConnectorStartContext,
  type ConnectorState,
  type ConnectorStatus,
  canReadOnce,
  canWrite,
  type ReadableConnector,
  type WritableConnector,
} from "./connector.ts";
export { type ConnectorDefinition, type ConnectorFactory, defineConnector } from "./define.ts";
export { applyScaling, DeadbandFilter, PointBase, removeScaling } from "./points.ts";
