import { Prng } from "./prng.ts";

/** CIP4 JDF DeviceStatus. */
export const DEVICE_STATUSES = ["Unknown", "Idle", "Down", "Setup", "Running", "Cleanup", "Stopped"] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

/** CIP4 JDF StatusDetails used by the simulator ("" when there is nothing to add). */
export type StatusDetails =
  | ""
  | "WarmingUp"
  | "FormChange"
  | "Waste"
  | "Good"
  | "PaperJam"
  | "BlanketChange"
  | "WashUp"
  | "BreakDown";

/** OPC 40001-1 MachineryItemState: 0 NotAvailable, 1 OutOfService, 2 NotExecuting, 3 Executing. */
export type MachineryItemState = 0 | 1 | 2 | 3;
/** OPC 40001-1 MachineryOperationMode: 0 None, 1 Maintenance, 2 Setup, 3 Processing. */
export type MachineryOperationMode = 0 | 1 | 2 | 3;

/** Everything a press publishes, as plain data. */
export interface PressSnapshot {
  deviceStatus: DeviceStatus;
  statusDetails: StatusDetails;
  /** Sheets per hour. */
  speed: number;
  /** Good sheets of the current job; resets to 0 when a job starts. */
  productionCounter: number;
  /** All sheets ever printed (good + waste); UInt32, wraps at 2^32. */
  totalProductionCounter: number;
  /** Waste sheets of the current job (make-ready waste); resets when a job starts. */
  wasteCounter: number;
  jobId: string;
  /** Monotonic energy meter. */
  energyKwh: number;
  machineryItemState: MachineryItemState;
  machineryOperationMode: MachineryOperationMode;
  /** Simulated seconds since the model started. */
  simSeconds: number;
}

export interface PressTuning {
  /** Nominal speed in sheets/hour. */
  targetSpeed: number;
  /** Mean running seconds between paper jams. */
  jamMtbfS: number;
  /** Mean running seconds between breakdowns. */
  breakdownMtbfS: number;
}

export const DEFAULT_TUNING: PressTuning = {
  targetSpeed: 12_000,
  jamMtbfS: 2 * 3600,
  breakdownMtbfS: 16 * 3600,
};

type Phase =
  | { kind: "idle"; leftS: number }
  | { kind: "warmup"; leftS: number }
  | { kind: "formChange"; leftS: number }
  | { kind: "waste"; sheetsLeft: number }
  | { kind: "running" }
  | { kind: "down"; leftS: number; details: "PaperJam" | "BreakDown"; resume: Phase }
  | { kind: "cleanup"; leftS: number; details: "WashUp" | "BlanketChange" };

const UINT32 = 2 ** 32;

/**
 * A sheet-fed offset press, stepped one simulated second at a time so the same
 * seed always produces the same history, whatever the wall-clock time factor.
 *
 * Cycle: idle gap → make-ready (form change, then waste sheets at slow speed) →
 * running at target speed with noise, interrupted by paper jams and breakdowns
 * → wash-up (sometimes a blanket change) → idle → next job.
 */
export class PressModel {
  readonly #rng: Prng;
  readonly #jobPrefix: string;
  #tuning: PressTuning;
  #phase: Phase = { kind: "warmup", leftS: 180 };
  #jobSeq = 0;
  #jobQuantity = 0;
  #fraction = 0;
  #state: PressSnapshot;

  /**
   * `start: "running"` begins mid-job at speed (a press that was already printing when the
   * simulation started, as in the demo) instead of the cold start's warm-up and make-ready.
   */
  constructor(
    seed: number,
    jobPrefix = "J",
    tuning: Partial<PressTuning> = {},
    start: "cold" | "running" = "cold",
  ) {
    this.#rng = new Prng(seed);
    this.#jobPrefix = jobPrefix;
    this.#tuning = { ...DEFAULT_TUNING, ...tuning };
    this.#state = {
      deviceStatus: "Setup",
      statusDetails: "WarmingUp",
      speed: 0,
      productionCounter: 0,
      totalProductionCounter: 0,
      wasteCounter: 0,
      jobId: "",
      energyKwh: 0,
      machineryItemState: 3,
      machineryOperationMode: 2,
      simSeconds: 0,
    };
    this.#startJob();
    if (start === "running") {
      this.#phase = { kind: "running" };
      this.#publishPhase();
    }
  }

  snapshot(): PressSnapshot {
    return { ...this.#state };
  }

  get tuning(): PressTuning {
    return { ...this.#tuning };
  }

  setTargetSpeed(sheetsPerHour: number): void {
    this.#tuning = { ...this.#tuning, targetSpeed: Math.max(0, sheetsPerHour) };
  }

  /** Force a fault now (used by tests and the `InjectFault` method). Returns false while already down. */
  injectFault(kind: "PaperJam" | "BreakDown"): boolean {
    if (this.#phase.kind === "down") return false;
    this.#phase = { kind: "down", details: kind, leftS: this.#faultDuration(kind), resume: this.#phase };
    this.#state.speed = 0;
    this.#publishPhase();
    return true;
  }

  /** Advance by whole simulated seconds. */
  advance(seconds: number): void {
    for (let i = 0; i < seconds; i++) this.#tick();
  }

  #tick(): void {
    const s = this.#state;
    s.simSeconds += 1;
    let sheets = 0;
    const phase = this.#phase;
    switch (phase.kind) {
      case "idle":
        s.speed = 0;
        if (--phase.leftS <= 0) this.#startJob();
        break;
      case "warmup":
        s.speed = 0;
        if (--phase.leftS <= 0) this.#phase = { kind: "formChange", leftS: this.#rng.int(600, 1500) };
        break;
      case "formChange":
        s.speed = 0;
        if (--phase.leftS <= 0) this.#phase = { kind: "waste", sheetsLeft: this.#rng.int(100, 400) };
        break;
      case "waste": {
        s.speed = this.#noisy(this.#tuning.targetSpeed * 0.35);
        sheets = this.#sheets(s.speed);
        const waste = Math.min(sheets, phase.sheetsLeft);
        s.wasteCounter += waste;
        phase.sheetsLeft -= waste;
        if (phase.sheetsLeft <= 0) this.#phase = { kind: "running" };
        break;
      }
      case "running":
        s.speed = this.#noisy(this.#tuning.targetSpeed);
        sheets = this.#sheets(s.speed);
        s.productionCounter += sheets;
        if (s.productionCounter >= this.#jobQuantity) this.#endJob();
        else this.#maybeFault();
        break;
      case "down":
        s.speed = 0;
        if (--phase.leftS <= 0) this.#phase = phase.resume;
        break;
      case "cleanup":
        s.speed = 0;
        if (--phase.leftS <= 0) this.#phase = { kind: "idle", leftS: this.#rng.int(120, 1800) };
        break;
    }
    if (this.#phase.kind !== "running" && this.#phase.kind !== "waste") s.speed = 0; // the phase ended this second
    s.totalProductionCounter = (s.totalProductionCounter + sheets) % UINT32;
    s.energyKwh += this.#powerKw() / 3600;
    this.#publishPhase();
  }

  #startJob(): void {
    this.#jobSeq += 1;
    this.#jobQuantity = this.#rng.int(20, 300) * 100;
    const s = this.#state;
    s.jobId = `${this.#jobPrefix}${String(this.#jobSeq).padStart(5, "0")}`;
    s.productionCounter = 0;
    s.wasteCounter = 0;
    this.#fraction = 0;
    if (this.#phase.kind !== "warmup") this.#phase = { kind: "formChange", leftS: this.#rng.int(600, 1500) };
    this.#publishPhase();
  }

  #endJob(): void {
    const blanket = this.#rng.chance(0.2);
    this.#phase = blanket
      ? { kind: "cleanup", details: "BlanketChange", leftS: this.#rng.int(900, 1800) }
      : { kind: "cleanup", details: "WashUp", leftS: this.#rng.int(300, 900) };
  }

  #maybeFault(): void {
    if (this.#rng.chance(1 / this.#tuning.jamMtbfS)) this.injectFault("PaperJam");
    else if (this.#rng.chance(1 / this.#tuning.breakdownMtbfS)) this.injectFault("BreakDown");
  }

  #faultDuration(kind: "PaperJam" | "BreakDown"): number {
    return kind === "PaperJam" ? this.#rng.int(120, 480) : this.#rng.int(1200, 5400);
  }

  #noisy(speed: number): number {
    return Math.max(0, Math.round(speed * (1 + 0.02 * this.#rng.gauss())));
  }

  #sheets(speedPerHour: number): number {
    this.#fraction += speedPerHour / 3600;
    const whole = Math.floor(this.#fraction);
    this.#fraction -= whole;
    return whole;
  }

  #powerKw(): number {
    const s = this.#state;
    switch (s.deviceStatus) {
      case "Running":
        return 35 + s.speed * 0.0025;
      case "Setup":
        return s.speed > 0 ? 25 + s.speed * 0.002 : 15;
      case "Cleanup":
        return 12;
      case "Idle":
        return 5;
      case "Down":
        return 3;
      case "Stopped":
      case "Unknown":
        return 0;
    }
  }

  #publishPhase(): void {
    const s = this.#state;
    const p = this.#phase;
    const [status, details, item, mode] = ((): [
      DeviceStatus,
      StatusDetails,
      MachineryItemState,
      MachineryOperationMode,
    ] => {
      switch (p.kind) {
        case "idle":
          return ["Idle", "", 2, 3];
        case "warmup":
          return ["Setup", "WarmingUp", 3, 2];
        case "formChange":
          return ["Setup", "FormChange", 3, 2];
        case "waste":
          return ["Setup", "Waste", 3, 2];
        case "running":
          return ["Running", "Good", 3, 3];
        case "down":
          return ["Down", p.details, 1, 3];
        case "cleanup":
          return ["Cleanup", p.details, 3, 2];
      }
    })();
    s.deviceStatus = status;
    s.statusDetails = details;
    s.machineryItemState = item;
    s.machineryOperationMode = mode;
  }
}
