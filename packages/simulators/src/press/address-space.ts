import {
  type AddressSpace,
  coerceLocalizedText,
  DataType,
  type ISessionContext,
  makeEUInformation,
  type Namespace,
  StatusCodes,
  type UAObject,
  type UAVariable,
  Variant,
  VariantArrayType,
} from "node-opcua";
import type { PressModel, PressSnapshot } from "./model.ts";
import { pressName } from "./nodes.ts";

const SHEETS_PER_HOUR = makeEUInformation("SHT/h", "sheets/h", "sheets per hour");
const SHEETS = makeEUInformation("SHT", "sheets", "sheets");
const KWH = makeEUInformation("kWh", "kWh", "kilowatt hour");

export interface PressIdentity {
  manufacturer: string;
  model: string;
  serialNumber: string;
  productInstanceUri: string;
}

/** Updates the published variables from a model snapshot; only changed values notify. */
export type PressPublisher = (snap: PressSnapshot, now: Date) => void;

/** Adds one press (object `PressN` under Objects) and returns its publisher. */
export function addPress(
  addressSpace: AddressSpace,
  ns: Namespace,
  index: number,
  model: PressModel,
  identity: PressIdentity,
): PressPublisher {
  const name = pressName(index);
  const id = (path: string) => `s=${name}.${path}`;
  const press = ns.addObject({
    organizedBy: addressSpace.rootFolder.objects,
    browseName: name,
    nodeId: `s=${name}`,
    description: "Sheet-fed offset printing press (CIP4 JDF DeviceInfo, OPC 40001-1 Machinery)",
  });
  addIdentification(ns, press, id, identity);

  const plain = (path: string, dataType: DataType, value: unknown, parent: UAObject = press) =>
    ns.addVariable({
      componentOf: parent,
      browseName: path.split(".").pop() ?? path,
      nodeId: id(path),
      dataType: DataType[dataType],
      accessLevel: "CurrentRead",
      userAccessLevel: "CurrentRead",
      minimumSamplingInterval: 0,
      value: { dataType, arrayType: VariantArrayType.Scalar, value },
    });
  const analog = (
    path: string,
    dataType: DataType,
    unit: typeof KWH,
    high: number,
    parent: UAObject = press,
  ) =>
    ns.addAnalogDataItem({
      componentOf: parent,
      browseName: path.split(".").pop() ?? path,
      nodeId: id(path),
      dataType: DataType[dataType],
      engineeringUnits: unit,
      engineeringUnitsRange: { low: 0, high },
      accessLevel: "CurrentRead",
      userAccessLevel: "CurrentRead",
      minimumSamplingInterval: 0,
      value: { dataType, value: 0 },
    }) as unknown as UAVariable;

  const vars = {
    deviceStatus: plain("DeviceStatus", DataType.String, "Unknown"),
    statusDetails: plain("StatusDetails", DataType.String, ""),
    speed: analog("Speed", DataType.Double, SHEETS_PER_HOUR, 20_000),
    production: analog("ProductionCounter", DataType.UInt32, SHEETS, 2 ** 32 - 1),
    total: analog("TotalProductionCounter", DataType.UInt32, SHEETS, 2 ** 32 - 1),
    waste: analog("WasteCounter", DataType.UInt32, SHEETS, 2 ** 32 - 1),
    jobId: plain("JobId", DataType.String, ""),
    energy: analog("EnergyKwh", DataType.Double, KWH, 1e12),
    itemState: plain("MachineryItemState", DataType.UInt32, 0),
    opMode: plain("MachineryOperationMode", DataType.UInt32, 0),
  };
  addTargetSpeed(ns, press, id, model);
  addInjectFault(ns, press, id, model);
  const diag = ns.addObject({ componentOf: press, browseName: "Diagnostics", nodeId: id("Diagnostics") });
  const uptime = plain("Diagnostics.UptimeMs", DataType.UInt64, [0, 0], diag);
  const milliWh = plain("Diagnostics.EnergyMilliWh", DataType.Int64, [0, 0], diag);
  const history = ns.addVariable({
    componentOf: diag,
    browseName: "SpeedHistory",
    nodeId: id("Diagnostics.SpeedHistory"),
    dataType: "Double",
    accessLevel: "CurrentRead",
    userAccessLevel: "CurrentRead",
    valueRank: 1,
    arrayDimensions: [10],
    minimumSamplingInterval: 0,
    value: { dataType: DataType.Double, arrayType: VariantArrayType.Array, value: new Float64Array(10) },
  });
  const speeds = new Float64Array(10);
  const last = new Map<UAVariable, unknown>();
  const set = (v: UAVariable, dataType: DataType, value: unknown, now: Date) => {
    const key = Array.isArray(value) ? value.join(":") : value;
    if (last.get(v) === key) return;
    last.set(v, key);
    v.setValueFromSource(
      new Variant({ dataType, arrayType: VariantArrayType.Scalar, value }),
      StatusCodes.Good,
      now,
    );
  };
  return (snap, now) => {
    set(vars.deviceStatus, DataType.String, snap.deviceStatus, now);
    set(vars.statusDetails, DataType.String, snap.statusDetails, now);
    set(vars.speed, DataType.Double, snap.speed, now);
    set(vars.production, DataType.UInt32, snap.productionCounter, now);
    set(vars.total, DataType.UInt32, snap.totalProductionCounter, now);
    set(vars.waste, DataType.UInt32, snap.wasteCounter, now);
    set(vars.jobId, DataType.String, snap.jobId, now);
    set(vars.energy, DataType.Double, snap.energyKwh, now);
    set(vars.itemState, DataType.UInt32, snap.machineryItemState, now);
    set(vars.opMode, DataType.UInt32, snap.machineryOperationMode, now);
    const ms = BigInt(snap.simSeconds) * 1000n;
    set(uptime, DataType.UInt64, toHighLow(ms), now);
    set(milliWh, DataType.Int64, toHighLow(BigInt(Math.floor(snap.energyKwh * 1e6))), now);
    if (speeds[0] !== snap.speed) {
      speeds.copyWithin(1, 0);
      speeds[0] = snap.speed;
      history.setValueFromSource(
        new Variant({
          dataType: DataType.Double,
          arrayType: VariantArrayType.Array,
          value: Float64Array.from(speeds),
        }),
        StatusCodes.Good,
        now,
      );
    }
  };
}

/** node-opcua's [high, low] UInt32 pair for a 64-bit integer. */
function toHighLow(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u >> 32n), Number(u & 0xffffffffn)];
}

function addIdentification(ns: Namespace, press: UAObject, id: (p: string) => string, ident: PressIdentity) {
  const folder = ns.addObject({
    componentOf: press,
    browseName: "Identification",
    nodeId: id("Identification"),
  });
  const prop = (name: string, dataType: DataType, value: unknown) =>
    ns.addVariable({
      propertyOf: folder,
      browseName: name,
      nodeId: id(`Identification.${name}`),
      dataType: DataType[dataType],
      accessLevel: "CurrentRead",
      userAccessLevel: "CurrentRead",
      value: { dataType, value },
    });
  prop("Manufacturer", DataType.LocalizedText, coerceLocalizedText(ident.manufacturer));
  prop("Model", DataType.LocalizedText, coerceLocalizedText(ident.model));
  prop("SerialNumber", DataType.String, ident.serialNumber);
  prop("ProductInstanceUri", DataType.String, ident.productInstanceUri);
}

function addTargetSpeed(ns: Namespace, press: UAObject, id: (p: string) => string, model: PressModel) {
  ns.addAnalogDataItem({
    componentOf: press,
    browseName: "TargetSpeed",
    nodeId: id("TargetSpeed"),
    dataType: "Double",
    accessLevel: "CurrentRead | CurrentWrite",
    userAccessLevel: "CurrentRead | CurrentWrite",
    engineeringUnits: SHEETS_PER_HOUR,
    engineeringUnitsRange: { low: 0, high: 20_000 },
    minimumSamplingInterval: 500,
    value: {
      get: () => new Variant({ dataType: DataType.Double, value: model.tuning.targetSpeed }),
      set: (v: Variant) => {
        const n = Number(v.value);
        if (!Number.isFinite(n) || n < 0 || n > 20_000) return StatusCodes.BadOutOfRange;
        model.setTargetSpeed(n);
        return StatusCodes.Good;
      },
    },
  });
}

function addInjectFault(ns: Namespace, press: UAObject, id: (p: string) => string, model: PressModel) {
  const method = ns.addMethod(press, {
    browseName: "InjectFault",
    nodeId: id("InjectFault"),
    inputArguments: [
      { name: "kind", description: { text: "PaperJam or BreakDown" }, dataType: DataType.String },
    ],
    outputArguments: [
      { name: "accepted", description: { text: "false if already down" }, dataType: DataType.Boolean },
    ],
    executable: true,
    userExecutable: true,
  });
  method.bindMethod(async (inputs: Variant[], _context: ISessionContext) => {
    const kind = inputs[0]?.value;
    if (kind !== "PaperJam" && kind !== "BreakDown") return { statusCode: StatusCodes.BadInvalidArgument };
    const accepted = model.injectFault(kind);
    return {
      statusCode: StatusCodes.Good,
      outputArguments: [{ dataType: DataType.Boolean, value: accepted }],
    };
  });
}
