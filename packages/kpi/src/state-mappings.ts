import type { MachineState } from "@weft/core";

/** Normalise an enum given as number, numeric string or name ("Executing", "EXECUTING_3"). */
function enumValue(v: number | string | null | undefined, names: Record<string, number>): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isInteger(v) ? v : null;
  const t = v.trim();
  if (/^-?\d+$/.test(t)) return Number(t);
  const key = t
    .replace(/_\d+$/, "")
    .replace(/[\s_-]/g, "")
    .toLowerCase();
  return names[key] ?? null;
}

const ITEM_STATE = { notavailable: 0, outofservice: 1, notexecuting: 2, executing: 3 };
const OPERATION_MODE = { none: 0, maintenance: 1, setup: 2, processing: 3 };

/**
 * OPC 40001-1 MachineryItemState (+ MachineryOperationMode) → state. 0 NotAvailable → offline,
 * 1 OutOfService → down, 2 NotExecuting → idle, 3 Executing → running, or setup when the operation mode
 * is 2 Setup. An unknown value → offline (we do not know, so it is not counted as down or idle).
 * @example fromMachineryItemState(3, 2); // "setup"
 */
export function fromMachineryItemState(
  itemState: number | string,
  operationMode?: number | string | null,
): MachineState {
  switch (enumValue(itemState, ITEM_STATE)) {
    case 1:
      return "down";
    case 2:
      return "idle";
    case 3:
      return enumValue(operationMode, OPERATION_MODE) === 2 ? "setup" : "running";
    default:
      return "offline";
  }
}

/** PackML state numbers as in OPC 30050 / ISA-TR88.00.02. */
export const PACKML_STATES = {
  undefined: 0,
  clearing: 1,
  stopped: 2,
  starting: 3,
  idle: 4,
  suspended: 5,
  execute: 6,
  stopping: 7,
  aborting: 8,
  aborted: 9,
  holding: 10,
  held: 11,
  unholding: 12,
  suspending: 13,
  unsuspending: 14,
  resetting: 15,
  completing: 16,
  complete: 17,
} as const;

/**
 * PackML (OPC 30050) state → state. 6 Execute → running; 9 Aborted, 8 Aborting → down;
 * 15 Resetting, 3 Starting, 1 Clearing → setup; everything else (4 Idle, 2 Stopped, 5 Suspended, 11 Held,
 * …) → idle. OPC 30060 numbers states differently: map those names, not numbers.
 * @example fromPackML("Execute"); // "running"
 */
export function fromPackML(state: number | string): MachineState {
  switch (enumValue(state, PACKML_STATES)) {
    case 6:
      return "running";
    case 8:
    case 9:
      return "down";
    case 1:
    case 3:
    case 15:
      return "setup";
    default:
      return "idle";
  }
}

const JDF: Record<string, MachineState> = {
  running: "running",
  setup: "setup",
  cleanup: "setup",
  down: "down",
  idle: "idle",
  stopped: "idle",
  unknown: "offline",
};

/**
 * CIP4 JDF DeviceStatus → state (case-insensitive). Running → running, Setup/Cleanup → setup,
 * Down → down, Idle/Stopped → idle, Unknown (or any unrecognised word) → offline.
 * Waste sheets counted during setup are scrap: map the waste counter to `rejectCount`.
 * @example fromJdfDeviceStatus("Cleanup"); // "setup"
 */
export function fromJdfDeviceStatus(status: string): MachineState {
  return JDF[status.trim().toLowerCase()] ?? "offline";
}

const ROBOT_MODE = {
  other: 0,
  manualreducedspeed: 1,
  manualhighspeed: 2,
  automatic: 3,
  automaticexternal: 4,
};

export interface RobotStatus {
  /** Task program state, e.g. "Executing", "Ready", "Idle", "Stopped" (or true when executing). */
  taskState?: string | boolean | null;
  /** OPC 40010 OperationalModeEnumeration: 0 OTHER, 1 MANUAL_REDUCED_SPEED, 2 MANUAL_HIGH_SPEED, 3 AUTOMATIC, 4 AUTOMATIC_EXTERNAL. */
  mode?: number | string | null;
  emergencyStop?: boolean | null;
  protectiveStop?: boolean | null;
  /** 0 or absent = no error. */
  errorCode?: number | string | null;
}

/**
 * Robot (OPC 40010) → state, first match wins: emergency stop, protective stop or error code ≠ 0 → down;
 * a manual mode → setup (teaching, jogging); task executing in an automatic mode → running;
 * anything else (Ready, Idle, executing in mode OTHER) → idle.
 * @example fromRobot({ taskState: "Executing", mode: "AUTOMATIC" }); // "running"
 */
export function fromRobot(s: RobotStatus): MachineState {
  const err = s.errorCode;
  const hasError = err !== null && err !== undefined && err !== "" && Number(err) !== 0;
  if (s.emergencyStop || s.protectiveStop || hasError) return "down";
  const mode = enumValue(s.mode, ROBOT_MODE);
  if (mode === 1 || mode === 2) return "setup";
  const executing =
    s.taskState === true ||
    (typeof s.taskState === "string" && s.taskState.trim().toLowerCase() === "executing");
  if (executing && (mode === 3 || mode === 4)) return "running";
  return "idle";
}
