import protobuf from "protobufjs";

/**
 * The Sparkplug B 3.0 payload, written for Weft from the specification's message definitions
 * (Payload, Metric, PropertySet, PropertyValue, MetaData; tag numbers as the spec fixes them).
 * Templates and DataSets are left out: Weft neither sends nor reads them, and protobuf skips
 * fields it does not know, so a payload carrying them still decodes.
 */
const PROTO = `
syntax = "proto2";
package weft.sparkplug;

message Payload {
  message PropertyValue {
    optional uint32 type = 1;
    optional bool is_null = 2;
    oneof value {
      uint32 int_value = 3;
      uint64 long_value = 4;
      float float_value = 5;
      double double_value = 6;
      bool boolean_value = 7;
      string string_value = 8;
      PropertySet propertyset_value = 9;
    }
  }
  message PropertySet {
    repeated string keys = 1;
    repeated PropertyValue values = 2;
  }
  message MetaData {
    optional bool is_multi_part = 1;
    optional string content_type = 2;
    optional uint64 size = 3;
    optional uint64 seq = 4;
    optional string file_name = 5;
    optional string file_type = 6;
    optional string md5 = 7;
    optional string description = 8;
  }
  message Metric {
    optional string name = 1;
    optional uint64 alias = 2;
    optional uint64 timestamp = 3;
    optional uint32 datatype = 4;
    optional bool is_historical = 5;
    optional bool is_transient = 6;
    optional bool is_null = 7;
    optional MetaData metadata = 8;
    optional PropertySet properties = 9;
    oneof value {
      uint32 int_value = 10;
      uint64 long_value = 11;
      float float_value = 12;
      double double_value = 13;
      bool boolean_value = 14;
      string string_value = 15;
      bytes bytes_value = 16;
    }
  }
  optional uint64 timestamp = 1;
  repeated Metric metrics = 2;
  optional uint64 seq = 3;
  optional string uuid = 4;
  optional bytes body = 5;
}
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;

/** protobufjs' compiled codec for the payload (generated once; encode/decode are hot paths). */
export const PayloadType = root.lookupType("weft.sparkplug.Payload");
