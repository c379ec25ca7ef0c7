import type { CounterRole } from "@weft/core";
import type { QuantityDelta } from "./elements.ts";

/**
 * Turn one counter delta of a machine into PQ/GQ/SQ/kWh contributions, given which counter roles the
 * machine's profile provides. The mapping is linear, so it commutes with summing:
 * - `totalCount` → PQ; also GQ when the machine has no `goodCount` (quality then comes from rejects, or
 *   is taken as all good when there is no `rejectCount` either);
 * - `goodCount` → GQ; also PQ when there is no `totalCount`;
 * - `rejectCount` → SQ; also PQ when there is no `totalCount`; with `totalCount` but no `goodCount` it
 *   subtracts from GQ (GQ = PQ − SQ), so a single delta's `good` may be negative — sums are not;
 * - `energyKwh` → kWh.
 * `idealCycleS` (PRU, seconds per unit) turns produced units into ideal time.
 * @example
 * quantitiesFromCounter("totalCount", 1000, 120, { roles: ["totalCount", "rejectCount"], idealCycleS: 0.36 });
 * // { ts: 1000, produced: 120, good: 120, idealS: 43.2 }
 */
export function quantitiesFromCounter(
  role: CounterRole,
  ts: number,
  delta: number,
  opts: { roles: readonly CounterRole[]; idealCycleS?: number | null },
): QuantityDelta {
  // No inner closure: this runs once per counter reading on the ingest path.
  const roles = opts.roles;
  const q: QuantityDelta = { ts };
  switch (role) {
    case "totalCount":
      q.produced = delta;
      if (!roles.includes("goodCount")) q.good = delta;
      break;
    case "goodCount":
      q.good = delta;
      if (!roles.includes("totalCount")) q.produced = delta;
      break;
    case "rejectCount":
      q.scrap = delta;
      if (!roles.includes("totalCount")) q.produced = delta;
      else if (!roles.includes("goodCount")) q.good = -delta;
      break;
    case "energyKwh":
      q.energyKwh = delta;
      break;
  }
  const pru = opts.idealCycleS;
  if (q.produced !== undefined && pru !== undefined && pru !== null && pru > 0) q.idealS = q.produced * pru;
  return q;
}
