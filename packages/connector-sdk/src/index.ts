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
