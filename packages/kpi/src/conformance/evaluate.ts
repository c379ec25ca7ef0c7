import { COUNTER_ROLES, type CounterRole, type CounterSpec } from "@weft/core";
import { ShiftCalendar, type TimeRange } from "../calendar.ts";
import { type CounterOptions, counterDelta } from "../counter.ts";
import { type Elements, elementsFromIntervals, type QuantityDelta } from "../elements.ts";
import { type Kpis, kpisFromElements } from "../kpis.ts";
import { applyMicrostops } from "../microstops.ts";
import { quantitiesFromCounter } from "../quantities.ts";
import { stateIntervals } from "../state-intervals.ts";
import { type CaseReading, type ConformanceCase, caseReadings } from "./case.ts";

/** Counter options for a declared width (absent: UInt32, the default). */
export function counterOptions(spec: CounterSpec | undefined): CounterOptions {
  if (!spec) return { type: "uint32" };
  if ("max" in spec) return { type: "uint64", max: spec.max };
  return { type: spec.bits === 16 ? "uint16" : spec.bits === 32 ? "uint32" : "uint64" };
}

/**
 * The case through the pure pipeline: state intervals (5 min staleness), microstops (60 s), counter
 * deltas by each counter's declared width, each spread over its sample interval, then ISO 22400
 * elements over `range` with the case's calendar.
 * @example const { kpis } = evaluateCase(conformanceCases()[0]); // kpis.oee ≈ 0.718667
 */
export function evaluateCase(
  c: ConformanceCase,
  range: TimeRange = c.range,
  readings: readonly CaseReading[] = caseReadings(c),
): { elements: Elements; kpis: Kpis } {
  const states = readings
    .filter((r) => r.signal === "state")
    .map((r) => ({ ts: r.ts, state: r.value as Parameters<typeof stateIntervals>[0][number]["state"] }));
  const intervals = applyMicrostops(stateIntervals(states, { staleAfterMs: 5 * 60_000, until: c.feed.end }), {
    thresholdMs: 60_000,
  });
  const roles = COUNTER_ROLES.filter((role) => c.counters.some((k) => k.role === role));
  const deltas: QuantityDelta[] = [];
  for (const k of c.counters) {
    const opts = counterOptions(k.counter);
    const samples = [...k.samples].sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < samples.length; i++) {
      const prev = samples[i - 1] as { ts: number; value: number };
      const cur = samples[i] as { ts: number; value: number };
      const d = counterDelta(prev.value, cur.value, opts);
      if (d.delta <= 0) continue;
      const q = quantitiesFromCounter(k.role as CounterRole, cur.ts, d.delta, {
        roles,
        idealCycleS: c.idealCycleS,
      });
      q.from = prev.ts;
      deltas.push(q);
    }
  }
  const elements = elementsFromIntervals(intervals, deltas, range, ShiftCalendar.parse(c.calendar));
  return { elements, kpis: kpisFromElements(elements) };
}
