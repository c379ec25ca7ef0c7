import type { RobotModel } from "./model.ts";
import { ROBOT_MODES, ROBOT_STATES } from "./model.ts";
import type { RegisterBank } from "./register-bank.ts";

/**
 * The robot cell's register map (0-based protocol addresses). The same map is
 * published for the gateway as `devices/robot-cell.yaml`.
 */
export const ROBOT_MAP = {
  holding: { mode: 0, state: 1, program: 2 },
  input: {
    errorCode: 0,
    warningCode: 1,
    /** UInt32 over two registers; word order set by `counterWordOrder`. */
    cycleCounter: 2,
    cycleTime: 4,
    /** Six Int16 registers, °C × 10. */
    jointTemps: 6,
    energyKwh: 12,
    idealCycleTime: 14,
  },
  coil: { paused: 0, stopped: 1 },
  discrete: { emergencyStop: 0 },
} as const;

/** First input register of the optional bench block of float32 values. */
export const EXTRA_FLOAT32_BASE = 1000;

export interface RobotMapOptions {
  counterWordOrder: "big" | "little";
  /** Extra float32 input registers (2 registers each) from {@link EXTRA_FLOAT32_BASE}. */
  extraFloat32: number;
}

export function mapRobotRegisters(bank: RegisterBank, options: RobotMapOptions): void {
  bank.map("holding", { start: 0, count: 3 });
  bank.map("input", { start: 0, count: 16 });
  bank.map("coil", { start: 0, count: 2 });
  bank.map("discrete", { start: 0, count: 1 });
  if (options.extraFloat32 > 0)
    bank.map("input", { start: EXTRA_FLOAT32_BASE, count: options.extraFloat32 * 2 });
}

/** Copy the model's state into the registers. */
export function writeRobotRegisters(bank: RegisterBank, model: RobotModel, options: RobotMapOptions): void {
  const s = model.snapshot();
  const h = ROBOT_MAP.holding;
  const i = ROBOT_MAP.input;
  bank.holding[h.mode] = ROBOT_MODES[s.mode];
  bank.holding[h.state] = ROBOT_STATES[s.state];
  bank.holding[h.program] = s.program;
  bank.inputs[i.errorCode] = s.errorCode;
  bank.inputs[i.warningCode] = s.warningCode;
  bank.setUint32("input", i.cycleCounter, s.cycleCounter, options.counterWordOrder === "little");
  bank.setFloat32("input", i.cycleTime, s.cycleTimeS);
  for (const [j, t] of s.jointTempsC.entries()) bank.setInt16("input", i.jointTemps + j, Math.round(t * 10));
  bank.setFloat32("input", i.energyKwh, s.energyKwh);
  bank.setFloat32("input", i.idealCycleTime, s.idealCycleS);
  bank.coils[ROBOT_MAP.coil.paused] = s.paused ? 1 : 0;
  bank.coils[ROBOT_MAP.coil.stopped] = s.stopped ? 1 : 0;
  bank.discretes[ROBOT_MAP.discrete.emergencyStop] = s.emergencyStop ? 1 : 0;
}

/** Bench block: value k is `k + fraction of simulated seconds`, so every value changes and stays exact-ish. */
export function writeExtraFloat32(bank: RegisterBank, count: number, simSeconds: number): void {
  const frac = (simSeconds % 1000) / 1000;
  for (let k = 0; k < count; k++) bank.setFloat32("input", EXTRA_FLOAT32_BASE + k * 2, k + frac);
}
