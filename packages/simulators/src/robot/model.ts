import { createRng, type Rng } from "./prng.ts";

export const ROBOT_MODES = { manual: 0, automatic: 1 } as const;
export type RobotMode = keyof typeof ROBOT_MODES;
/** Values of holding register `robot_state`. */
export const ROBOT_STATES = { idle: 0, running: 1, paused: 2, stopped: 3, fault: 4, estop: 5 } as const;
export type RobotState = keyof typeof ROBOT_STATES;

/** Error codes the simulated controller raises (input register `error_code`). */
export const ROBOT_ERRORS: Readonly<Record<number, string>> = {
  1001: "collision detected",
  1102: "joint over-temperature",
  2003: "gripper vacuum lost",
  3001: "servo drive fault",
};
export const WARNING_JOINT_TEMP = 201;

export interface RobotModelOptions {
  seed: number;
  /** Nominal cycle time in seconds (default 12). */
  idealCycleS?: number;
  /** Simulation step in seconds (default 0.1). */
  stepS?: number;
}

export interface RobotSnapshot {
  simSeconds: number;
  mode: RobotMode;
  state: RobotState;
  program: number;
  errorCode: number;
  warningCode: number;
  /** UInt32, wraps at 2^32. */
  cycleCounter: number;
  cycleTimeS: number;
  idealCycleS: number;
  jointTempsC: readonly number[];
  energyKwh: number;
  paused: boolean;
  stopped: boolean;
  emergencyStop: boolean;
}

const POWER_KW: Record<RobotState, number> = {
  running: 3.2,
  idle: 0.45,
  paused: 0.45,
  stopped: 0.3,
  fault: 0.3,
  estop: 0.1,
};

/**
 * A deterministic industrial-robot cell: pick-and-place cycles with noisy cycle
 * time, occasional faults, operator pauses, manual (teach) periods and rare
 * emergency stops. The same seed gives the same history in simulated time,
 * whatever the wall clock does.
 */
export class RobotModel {
  private readonly rng: Rng;
  private readonly stepS: number;
  private s: RobotSnapshot;
  private phaseLeftS = 0;
  private cycleElapsedS = 0;
  private cycleTargetS: number;
  /** Held by an operator write to a coil; no timer ends it. */
  private heldBy: "pause" | "stop" | undefined;
  private steps = 0;

  constructor(options: RobotModelOptions) {
    this.rng = createRng(options.seed);
    this.stepS = options.stepS ?? 0.1;
    const ideal = options.idealCycleS ?? 12;
    this.cycleTargetS = this.nextCycleTarget(ideal);
    this.s = {
      simSeconds: 0,
      mode: "automatic",
      state: "running",
      program: 1 + Math.floor(this.rng.next() * 20),
      errorCode: 0,
      warningCode: 0,
      cycleCounter: Math.floor(this.rng.next() * 100_000),
      cycleTimeS: ideal,
      idealCycleS: ideal,
      jointTempsC: [26, 26, 26, 26, 26, 26],
      energyKwh: Math.round(this.rng.uniform(1000, 5000)),
      paused: false,
      stopped: false,
      emergencyStop: false,
    };
  }

  snapshot(): RobotSnapshot {
    return { ...this.s, jointTempsC: [...this.s.jointTempsC] };
  }

  /** Advance simulated time by `seconds`, in fixed steps. */
  advance(seconds: number): void {
    const n = Math.round(seconds / this.stepS);
    for (let k = 0; k < n; k++) this.step(this.stepS);
  }

  /** An operator sets the `paused` coil. */
  setPaused(on: boolean): void {
    if (on && this.s.state === "running") this.enter("paused", Number.POSITIVE_INFINITY, "pause");
    else if (!on && this.heldBy === "pause") this.resume();
  }

  /** An operator sets the `stopped` coil. */
  setStopped(on: boolean): void {
    if (on && this.s.state !== "estop") this.enter("stopped", Number.POSITIVE_INFINITY, "stop");
    else if (!on && this.heldBy === "stop") this.resume();
  }

  setProgram(program: number): void {
    this.s.program = program;
  }

  private step(dt: number): void {
    const s = this.s;
    this.steps++;
    s.simSeconds = Math.round(this.steps * dt * 1000) / 1000;
    s.energyKwh += ((POWER_KW[s.state] + (s.mode === "manual" ? 0.4 : 0)) * dt) / 3600;
    const hot = s.state === "running";
    s.jointTempsC = s.jointTempsC.map((t, j) => t + ((hot ? 40 + j * 2.5 : 26) - t) * (dt / 900));
    s.warningCode = s.jointTempsC.some((t) => t > 48) ? WARNING_JOINT_TEMP : 0;
    if (s.state === "running") this.runCycle(dt);
    else {
      this.phaseLeftS -= dt;
      if (this.phaseLeftS <= 0) this.resume();
    }
  }

  private runCycle(dt: number): void {
    this.cycleElapsedS += dt;
    if (this.cycleElapsedS < this.cycleTargetS) return;
    const s = this.s;
    s.cycleCounter = (s.cycleCounter + 1) >>> 0;
    s.cycleTimeS = Math.round(this.cycleElapsedS * 100) / 100;
    this.cycleElapsedS = 0;
    this.cycleTargetS = this.nextCycleTarget(s.idealCycleS);
    const r = this.rng;
    const p = r.next();
    if (p < 0.006) {
      s.errorCode = r.pick(Object.keys(ROBOT_ERRORS).map(Number));
      this.enter("fault", r.uniform(120, 900));
    } else if (p < 0.016) this.enter("paused", r.uniform(30, 300));
    else if (p < 0.026) this.enter("idle", r.uniform(60, 600));
    else if (p < 0.029) {
      s.mode = "manual";
      s.program = 0;
      this.enter("idle", r.uniform(600, 1800));
    } else if (p < 0.0297) this.enter("estop", r.uniform(300, 1200));
  }

  private enter(state: RobotState, forS: number, heldBy?: "pause" | "stop"): void {
    this.s.state = state;
    this.phaseLeftS = forS;
    this.heldBy = heldBy;
    this.s.paused = state === "paused";
    this.s.stopped = state === "stopped" || state === "estop";
    this.s.emergencyStop = state === "estop";
  }

  private resume(): void {
    const s = this.s;
    if (s.mode === "manual") {
      s.mode = "automatic";
      s.program = 1 + Math.floor(this.rng.next() * 20);
    }
    s.errorCode = 0;
    this.cycleElapsedS = 0;
    this.enter("running", 0);
  }

  private nextCycleTarget(ideal: number): number {
    return Math.max(ideal * 0.8, this.rng.normal(ideal * 1.04, ideal * 0.05));
  }
}
