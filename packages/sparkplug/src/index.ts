export { DataType } from "./datatypes.ts";
export { BDSEQ_METRIC, type EdgeMessage, EdgeNode, REBIRTH_METRIC } from "./edge.ts";
export { type HostEvent, HostState } from "./host.ts";
export {
  decodePayload,
  encodePayload,
  type Metric,
  type MetricValue,
  type Payload,
  type PropertyValue,
  signedValue,
} from "./payload.ts";
export {
  BATCH_METRIC,
  birthMetric,
  dataMetric,
  deliveryKey,
  identityOf,
  MAX_PARTS,
  type MetricIdentity,
  PROP,
  readingOf,
  splitDeliveryKey,
} from "./readings.ts";
export { followsSeq, nextSeq } from "./seq.ts";
export {
  decodeState,
  edgeTopic,
  encodeState,
  type HostStatus,
  isSparkplugId,
  MESSAGE_TYPES,
  type MessageType,
  NAMESPACE,
  parseTopic,
  type SparkplugTopic,
  stateTopic,
} from "./topic.ts";
