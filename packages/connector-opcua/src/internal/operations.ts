import { removeScaling } from "@weft/connector-sdk";
import { type ReadingValue, WeftError } from "@weft/core";
import {
  AttributeIds,
  type ClientSession,
  DataType,
  getBuiltInDataType,
  resolveNodeId,
  StatusCodes,
  Variant,
} from "node-opcua";
import type { OpcuaPoint } from "../config.ts";
import { valueToVariant, variantToValue } from "../datatype.ts";

const typeCache = new WeakMap<ClientSession, Map<string, { dataType: DataType; isArray: boolean }>>();

async function typeOf(
  session: ClientSession,
  nodeId: string,
): Promise<{ dataType: DataType; isArray: boolean }> {
  let cache = typeCache.get(session);
  if (!cache) {
    cache = new Map();
    typeCache.set(session, cache);
  }
  const hit = cache.get(nodeId);
  if (hit) return hit;
  const id = resolveNodeId(nodeId);
  const [rank] = await session.read([{ nodeId: id, attributeId: AttributeIds.ValueRank }]);
  if (rank?.statusCode.isNotGood()) throw new Error(rank.statusCode.name);
  const dataType = await getBuiltInDataType(session, id);
  const t = { dataType, isArray: Number(rank?.value.value ?? -1) >= 1 };
  cache.set(nodeId, t);
  return t;
}

/** Write `value` to a point, encoded with the variable's own data type (read once, cached per session). */
export async function writeValue(
  session: ClientSession,
  point: OpcuaPoint,
  value: ReadingValue,
): Promise<void> {
  let type: { dataType: DataType; isArray: boolean };
  try {
    type = await typeOf(session, point.nodeId);
  } catch (cause) {
    throw new WeftError(
      "DEVICE_EXCEPTION",
      `cannot write point "${point.id}" (${point.nodeId}): ${String(cause instanceof Error ? cause.message : cause)}`,
      {
        field: `points.${point.id}.nodeId`,
        cause,
        details: { status: cause instanceof Error ? cause.message : String(cause) },
      },
    );
  }
  const raw =
    typeof value === "number" && (point.scale !== undefined || point.offset !== undefined)
      ? removeScaling(value, point)
      : value;
  let variant: ReturnType<typeof valueToVariant>;
  try {
    variant = valueToVariant(raw, type.dataType, type.isArray);
  } catch (cause) {
    throw new WeftError(
      "VALIDATION_FAILED",
      `point "${point.id}": ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        field: `points.${point.id}.value`,
        fix: `send a value of the variable's type ${DataType[type.dataType]}${type.isArray ? "[]" : ""}`,
        cause,
      },
    );
  }
  const status = await session.write({
    nodeId: point.nodeId,
    attributeId: AttributeIds.Value,
    value: { value: new Variant(variant) },
  });
  if (status.value !== StatusCodes.Good.value)
    throw new WeftError(
      "DEVICE_EXCEPTION",
      `the server refused the write to point "${point.id}" (${point.nodeId}): ${status.name}`,
      {
        field: `points.${point.id}`,
        fix:
          status.name === "BadNotWritable" || status.name === "BadUserAccessDenied"
            ? "the variable is read-only for this user"
            : "check the value and the server's log",
        details: { status: status.name },
      },
    );
}

export interface MethodCallResult {
  /** StatusCode name of the call (`Good` or e.g. `BadInvalidArgument`). */
  status: string;
  outputs: ReadingValue[];
}

/**
 * Call method `methodId` on object `objectId`; inputs are encoded with the method's
 * InputArguments types. A bad status is returned, not thrown (it is the device's answer).
 */
export async function callMethod(
  session: ClientSession,
  objectId: string,
  methodId: string,
  inputs: readonly ReadingValue[],
): Promise<MethodCallResult> {
  let objId: ReturnType<typeof resolveNodeId>;
  let mId: ReturnType<typeof resolveNodeId>;
  try {
    objId = resolveNodeId(objectId);
    mId = resolveNodeId(methodId);
  } catch (cause) {
    throw new WeftError("VALIDATION_FAILED", `method call: nodeId does not parse: ${String(cause)}`, {
      field: "methodId",
      cause,
    });
  }
  const def = await session.getArgumentDefinition(mId);
  const args = def.inputArguments ?? [];
  if (args.length !== inputs.length)
    throw new WeftError(
      "VALIDATION_FAILED",
      `method ${methodId} takes ${args.length} inputs (${args.map((a) => a.name).join(", ")}), got ${inputs.length}`,
      {
        field: "inputs",
      },
    );
  const inputArguments = args.map((arg, i) => {
    const dataType =
      arg.dataType.namespace === 0 && typeof arg.dataType.value === "number" && arg.dataType.value <= 25
        ? (arg.dataType.value as DataType)
        : DataType.Variant;
    try {
      return new Variant(valueToVariant(inputs[i] ?? null, dataType, (arg.valueRank ?? -1) >= 1));
    } catch (cause) {
      throw new WeftError(
        "VALIDATION_FAILED",
        `method ${methodId} input "${arg.name}": ${cause instanceof Error ? cause.message : String(cause)}`,
        {
          field: `inputs[${i}]`,
          cause,
        },
      );
    }
  });
  const result = await session.call({ objectId: objId, methodId: mId, inputArguments });
  return {
    status: result.statusCode.name,
    outputs: (result.outputArguments ?? []).map((v) => variantToValue(v).value),
  };
}
