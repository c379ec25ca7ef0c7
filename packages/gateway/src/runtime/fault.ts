import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Steps of the acknowledge path a fault-injection test can stop the gateway at:
 * `before-send` (the upload is built, not sent), `after-commit` (the brain answered: it stored
 * the batch; the gateway has not acknowledged it), `before-cursor-write` (acknowledged in memory,
 * the cursor not yet written) and `after-cursor-write`.
 */
export const FAULT_STEPS = [
  "before-send",
  "after-commit",
  "before-cursor-write",
  "after-cursor-write",
] as const;
export type FaultStep = (typeof FAULT_STEPS)[number];

export interface FaultPlan {
  step: FaultStep;
  /** Fire the n-th time the step is reached (1 = the first). */
  at: number;
  /** Count nothing until this file exists (`WEFT_FAULT_ARMED_BY`): the test arms the fault when it is ready. */
  armedBy?: string;
}

/**
 * TEST ONLY. `WEFT_FAULT_AT=STEP[:N]` makes `weft-gateway run` kill itself with SIGKILL the N-th
 * time it reaches STEP (default the 5th), after writing `fault.json` into its data directory with
 * what a test needs to simulate a power cut at that instant (where the fsynced bytes end). With
 * `WEFT_FAULT_ARMED_BY=FILE` the steps count only once FILE exists. Never set these on a real
 * gateway. null when the variable is unset; throws on a malformed value.
 */
export function faultPlanFromEnv(env: Readonly<Record<string, string | undefined>>): FaultPlan | null {
  const raw = env.WEFT_FAULT_AT;
  if (!raw) return null;
  const [step, n] = raw.split(":");
  if (!(FAULT_STEPS as readonly string[]).includes(step ?? ""))
    throw new Error(`WEFT_FAULT_AT=${raw}: the step must be one of ${FAULT_STEPS.join(", ")}`);
  const at = n === undefined ? 5 : Number(n);
  if (!Number.isInteger(at) || at < 1)
    throw new Error(`WEFT_FAULT_AT=${raw}: the count must be an integer ≥ 1`);
  return {
    step: step as FaultStep,
    at,
    ...(env.WEFT_FAULT_ARMED_BY ? { armedBy: env.WEFT_FAULT_ARMED_BY } : {}),
  };
}

/** The function the gateway calls at each step: counts, and at the planned one records and dies. */
export function faultInjector(
  plan: FaultPlan,
  dataDir: string,
  facts: () => Record<string, unknown>,
): (step: FaultStep) => void {
  let seen = 0;
  return (step) => {
    if (step !== plan.step) return;
    if (plan.armedBy && !fs.existsSync(plan.armedBy)) return;
    if (++seen !== plan.at) return;
    const record = { step, at: Date.now(), pid: process.pid, ...facts() };
    fs.writeFileSync(path.join(dataDir, "fault.json"), `${JSON.stringify(record)}\n`);
    process.kill(process.pid, "SIGKILL");
  };
}
