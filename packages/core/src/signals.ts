import { z } from "zod";

/** Machine states a device profile maps to (see docs/domain/kpi.md, state mappings). */
export const MACHINE_STATES = ["running", "idle", "setup", "down", "offline"] as const;
export const MachineState = z.enum(MACHINE_STATES);
export type MachineState = z.infer<typeof MachineState>;

/** Fixed signal roles a device profile maps raw points to. */
export const SIGNAL_ROLES = [
  "state",
  "goodCount",
  "rejectCount",
  "totalCount",
  "rate",
  "energyKwh",
  "alarm",
  "job",
  "idealCycleS",
] as const;
export const SignalRole = z.enum(SIGNAL_ROLES);
export type SignalRole = z.infer<typeof SignalRole>;

/** Roles whose values are monotonic counters (deltas computed with wrap/reset handling). */
export const COUNTER_ROLES = [
  "goodCount",
  "rejectCount",
  "totalCount",
  "energyKwh",
] as const satisfies readonly SignalRole[];
export type CounterRole = (typeof COUNTER_ROLES)[number];

export function isCounterRole(role: SignalRole): role is CounterRole {
  return (COUNTER_ROLES as readonly string[]).includes(role);
}
