/** Sparkplug B 3.0 metric datatypes (spec §6.4.16), the ones Weft writes and reads. */
export const DataType = {
  Unknown: 0,
  Int8: 1,
  Int16: 2,
  Int32: 3,
  Int64: 4,
  UInt8: 5,
  UInt16: 6,
  UInt32: 7,
  UInt64: 8,
  Float: 9,
  Double: 10,
  Boolean: 11,
  String: 12,
  DateTime: 13,
  Text: 14,
  UUID: 15,
  DataSet: 16,
  Bytes: 17,
  File: 18,
  Template: 19,
  PropertySet: 20,
  PropertySetList: 21,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

/** Signed integer types whose value travels in an unsigned field as two's complement. */
export const SIGNED_INT = new Set<number>([DataType.Int8, DataType.Int16, DataType.Int32, DataType.Int64]);
